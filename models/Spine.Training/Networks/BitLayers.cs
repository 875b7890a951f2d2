using Spine.Training.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spine.Training.Networks;

/// <summary>
/// Convolution with weight standardisation (Qiao et al. 2019, as BiT uses it): each output filter's weights are
/// shifted to zero mean and scaled to unit variance before the convolution. The export writes the standardised
/// weights, so ONNX sees a plain convolution.
/// </summary>
internal sealed class StdConv2d : nn.Module<Tensor, Tensor>
{
    private const double Epsilon = 1e-5;
    private readonly Parameter weight;
    private readonly long _stride;
    private readonly long _padding;

    public StdConv2d(string name, long input, long output, long kernel, long stride = 1) : base(name)
    {
        (_stride, _padding) = (stride, kernel / 2);
        weight = new Parameter(empty(output, input, kernel, kernel));
        nn.init.kaiming_normal_(weight);
        RegisterComponents();
    }

    public long Kernel => weight.shape[2];

    public Tensor Standardised()
    {
        var dims = new long[] { 1, 2, 3 };
        var mean = weight.mean(dims, keepdim: true);
        var variance = weight.var(dims, unbiased: false, keepdim: true);
        return (weight - mean) / (variance + Epsilon).sqrt();
    }

    public override Tensor forward(Tensor input) =>
        nn.functional.conv2d(input, Standardised(), null, strides: [_stride, _stride], padding: [_padding, _padding]);

    public string Export(OnnxGraphBuilder graph, string input, string prefix)
    {
        using var standardised = no_grad();
        return graph.Node("Conv", [input, graph.Initializer($"{prefix}.weight", Standardised())],
            OnnxGraphBuilder.Ints("kernel_shape", Kernel, Kernel), OnnxGraphBuilder.Ints("strides", _stride, _stride),
            OnnxGraphBuilder.Ints("pads", _padding, _padding, _padding, _padding));
    }
}

/// <summary>Group normalisation then ReLU; opset 17 has no GroupNormalization, so the export reshapes around InstanceNormalization.</summary>
internal sealed class GroupNormRelu : nn.Module<Tensor, Tensor>
{
    private const double Epsilon = 1e-5;
    private readonly GroupNorm norm;
    private readonly long _groups;
    private readonly long _channels;

    public GroupNormRelu(string name, long channels, long groups) : base(name)
    {
        (_groups, _channels) = (Math.Min(groups, channels), channels);
        norm = nn.GroupNorm(_groups, channels, eps: Epsilon);

        // TorchSharp 0.107's GroupNorm leaves its affine parameters uninitialised (found as denormal garbage and NaN
        // losses): set them as PyTorch does.
        using (no_grad())
        {
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.relu(norm.forward(input));

    public string Export(OnnxGraphBuilder graph, string input, string prefix)
    {
        var shape = graph.Node("Shape", [input]);
        var grouped = graph.Node("Reshape", [input, graph.Int64Initializer($"{prefix}.groups_shape", 0, _groups, -1)]);
        var normalised = graph.Node("InstanceNormalization",
            [grouped, graph.Initializer($"{prefix}.unit_scale", Enumerable.Repeat(1f, (int)_groups).ToArray(), _groups),
             graph.Initializer($"{prefix}.zero_bias", new float[_groups], _groups)],
            OnnxGraphBuilder.Float("epsilon", (float)Epsilon));
        var restored = graph.Node("Reshape", [normalised, shape]);
        var scaled = graph.Node("Mul", [restored, graph.Initializer($"{prefix}.weight", norm.weight!.detach().reshape(_channels, 1, 1))]);
        var shifted = graph.Node("Add", [scaled, graph.Initializer($"{prefix}.bias", norm.bias!.detach().reshape(_channels, 1, 1))]);
        return graph.Node("Relu", [shifted]);
    }
}

/// <summary>
/// BiT's pre-activation residual unit (He et al. 2016, identity mappings), basic form: norm and ReLU before each
/// convolution, a standardised 1x1 projection on the shortcut when the shape changes.
/// </summary>
internal sealed class PreActBlock : nn.Module<Tensor, Tensor>
{
    private readonly GroupNormRelu preact;
    private readonly StdConv2d conv1;
    private readonly GroupNormRelu mid;
    private readonly StdConv2d conv2;
    private readonly StdConv2d? projection;

    public PreActBlock(string name, long input, long output, long stride, long groups) : base(name)
    {
        preact = new GroupNormRelu($"{name}.preact", input, groups);
        conv1 = new StdConv2d($"{name}.conv1", input, output, 3, stride);
        mid = new GroupNormRelu($"{name}.mid", output, groups);
        conv2 = new StdConv2d($"{name}.conv2", output, output, 3);
        projection = input != output || stride != 1 ? new StdConv2d($"{name}.projection", input, output, 1, stride) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = preact.forward(input);
        var shortcut = projection is null ? input : projection.forward(x);
        return conv2.forward(mid.forward(conv1.forward(x))) + shortcut;
    }

    public string Export(OnnxGraphBuilder graph, string input, string prefix)
    {
        var x = preact.Export(graph, input, $"{prefix}.preact");
        var shortcut = projection is null ? input : projection.Export(graph, x, $"{prefix}.projection");
        var y = conv2.Export(graph, mid.Export(graph, conv1.Export(graph, x, $"{prefix}.conv1"), $"{prefix}.mid"), $"{prefix}.conv2");
        return graph.Node("Add", [y, shortcut]);
    }
}
