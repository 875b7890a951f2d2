using Spine.Training.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spine.Training.Networks;

/// <summary>A layer that can write itself into an ONNX graph, node for node what its forward pass computes.</summary>
internal interface IOnnxExportable
{
    string Export(OnnxGraphBuilder graph, string input, string prefix);
}

/// <summary>The batch normalisation and PReLU that follow every convolution, as ONNX nodes.</summary>
internal static class NormAndActivation
{
    public static string Export(OnnxGraphBuilder graph, string input, string prefix, BatchNorm2d norm, PReLU activation, double epsilon)
    {
        var x = graph.Node("BatchNormalization",
            [input, graph.Initializer($"{prefix}.norm.weight", norm.weight!), graph.Initializer($"{prefix}.norm.bias", norm.bias!),
             graph.Initializer($"{prefix}.norm.mean", norm.running_mean!), graph.Initializer($"{prefix}.norm.var", norm.running_var!)],
            OnnxGraphBuilder.Float("epsilon", (float)epsilon));

        // ONNX PRelu broadcasts its slope against (N, C, H, W): one slope per channel becomes shape (C, 1, 1).
        return graph.Node("PRelu", [x, graph.Initializer($"{prefix}.prelu.slope", activation.weight!.detach().reshape(-1, 1, 1))]);
    }
}

/// <summary>Convolution, batch normalisation and PReLU: the unit every V-Net block is made of.</summary>
internal sealed class ConvUnit : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private const double Epsilon = 1e-5;
    private readonly Conv2d conv;
    private readonly BatchNorm2d norm;
    private readonly PReLU activation;
    private readonly long _kernel;
    private readonly long _stride;
    private readonly long _padding;

    public ConvUnit(string name, long input, long output, long kernel, long stride = 1) : base(name)
    {
        (_kernel, _stride, _padding) = (kernel, stride, stride == 1 ? kernel / 2 : 0);
        conv = nn.Conv2d(input, output, kernel, stride: stride, padding: _padding, bias: false);
        norm = nn.BatchNorm2d(output, eps: Epsilon);
        activation = nn.PReLU(output, init: 0.25);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => activation.forward(norm.forward(conv.forward(input)));

    public string Export(OnnxGraphBuilder graph, string input, string prefix)
    {
        var x = graph.Node("Conv", [input, graph.Initializer($"{prefix}.conv.weight", conv.weight!)],
            OnnxGraphBuilder.Ints("kernel_shape", _kernel, _kernel), OnnxGraphBuilder.Ints("strides", _stride, _stride),
            OnnxGraphBuilder.Ints("pads", _padding, _padding, _padding, _padding));
        return NormAndActivation.Export(graph, x, prefix, norm, activation, Epsilon);
    }
}

/// <summary>Transposed convolution that doubles the resolution, with normalisation and PReLU.</summary>
internal sealed class UpUnit : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private const double Epsilon = 1e-5;
    private readonly ConvTranspose2d conv;
    private readonly BatchNorm2d norm;
    private readonly PReLU activation;

    public UpUnit(string name, long input, long output) : base(name)
    {
        conv = nn.ConvTranspose2d(input, output, 2, stride: 2, bias: false);
        norm = nn.BatchNorm2d(output, eps: Epsilon);
        activation = nn.PReLU(output, init: 0.25);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => activation.forward(norm.forward(conv.forward(input)));

    public string Export(OnnxGraphBuilder graph, string input, string prefix)
    {
        var x = graph.Node("ConvTranspose", [input, graph.Initializer($"{prefix}.conv.weight", conv.weight!)],
            OnnxGraphBuilder.Ints("kernel_shape", 2, 2), OnnxGraphBuilder.Ints("strides", 2, 2));
        return NormAndActivation.Export(graph, x, prefix, norm, activation, Epsilon);
    }
}

/// <summary>V-Net's residual stage: n convolutions whose output is added to the stage's input.</summary>
internal sealed class ResidualStage : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly ModuleList<ConvUnit> units = new();

    public ResidualStage(string name, long input, long channels, int convolutions) : base(name)
    {
        for (var i = 0; i < convolutions; i++)
        {
            units.Add(new ConvUnit($"{name}.{i}", i == 0 ? input : channels, channels, 3));
        }

        RegisterComponents();
    }

    /// <summary>Adds <paramref name="residual"/> (same channels as the output) after the convolutions.</summary>
    public Tensor Forward(Tensor input, Tensor residual)
    {
        var x = input;
        foreach (var unit in units)
        {
            x = unit.forward(x);
        }

        return x + residual;
    }

    public override Tensor forward(Tensor input) => Forward(input, input);

    public string Export(OnnxGraphBuilder graph, string input, string prefix) => Export(graph, input, input, prefix);

    public string Export(OnnxGraphBuilder graph, string input, string residual, string prefix)
    {
        var x = input;
        for (var i = 0; i < units.Count; i++)
        {
            x = units[i].Export(graph, x, $"{prefix}.{i}");
        }

        return graph.Node("Add", [x, residual]);
    }
}
