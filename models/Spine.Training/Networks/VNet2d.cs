using Spine.Training.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spine.Training.Networks;

/// <summary>
/// A 2-D V-Net (Milletari et al. 2016, as the seed paper uses it, on axial slices): residual stages with PReLU, strided
/// convolutions down, transposed convolutions up, skip connections by concatenation; softmax over the labels.
/// </summary>
internal sealed class VNet2d : nn.Module<Tensor, Tensor>
{
    private readonly ConvUnit stem;
    private readonly ModuleList<ResidualStage> encoders = new();
    private readonly ModuleList<ConvUnit> downs = new();
    private readonly ResidualStage bottom;
    private readonly ModuleList<UpUnit> ups = new();
    private readonly ModuleList<ResidualStage> decoders = new();
    private readonly Conv2d head;

    public VNet2d(int classes, int baseChannels = 16, int levels = 4) : base("vnet2d")
    {
        Classes = classes;
        BaseChannels = baseChannels;
        Levels = levels;
        stem = new ConvUnit("stem", 1, baseChannels, 5);
        long channels = baseChannels;
        for (var level = 0; level < levels - 1; level++)
        {
            encoders.Add(new ResidualStage($"encoder{level}", channels, channels, Math.Min(level + 1, 3)));
            downs.Add(new ConvUnit($"down{level}", channels, channels * 2, 2, stride: 2));
            channels *= 2;
        }

        bottom = new ResidualStage("bottom", channels, channels, 3);
        for (var level = levels - 2; level >= 0; level--)
        {
            ups.Add(new UpUnit($"up{level}", channels, channels / 2));
            channels /= 2;
            decoders.Add(new ResidualStage($"decoder{level}", channels * 2, channels, Math.Min(level + 1, 3)));
        }

        head = nn.Conv2d(channels, classes, 1);
        RegisterComponents();
    }

    public int Classes { get; }

    public int BaseChannels { get; }

    public int Levels { get; }

    /// <summary>Height and width must be multiples of this.</summary>
    public int SizeMultiple => 1 << (Levels - 1);

    /// <summary>Logits, (batch, classes, height, width).</summary>
    public override Tensor forward(Tensor input)
    {
        var x = stem.forward(input);
        var skips = new List<Tensor>();
        for (var level = 0; level < encoders.Count; level++)
        {
            x = encoders[level].forward(x);
            skips.Add(x);
            x = downs[level].forward(x);
        }

        x = bottom.forward(x);
        for (var i = 0; i < ups.Count; i++)
        {
            var up = ups[i].forward(x);
            x = decoders[i].Forward(cat([up, skips[^(i + 1)]], 1), up);
        }

        return head.forward(x);
    }

    /// <summary>The same computation as an ONNX graph: input "image" (batch, 1, H, W), output "probabilities" (batch, classes, H, W).</summary>
    public byte[] ExportOnnx(string version, string description)
    {
        var graph = new OnnxGraphBuilder();
        graph.Declare("image", 1, input: true);
        var x = stem.Export(graph, "image", "stem");
        var skips = new List<string>();
        for (var level = 0; level < encoders.Count; level++)
        {
            x = encoders[level].Export(graph, x, $"encoder{level}");
            skips.Add(x);
            x = downs[level].Export(graph, x, $"down{level}");
        }

        x = bottom.Export(graph, x, "bottom");
        for (var i = 0; i < ups.Count; i++)
        {
            var up = ups[i].Export(graph, x, $"up{i}");
            var joined = graph.Node("Concat", [up, skips[^(i + 1)]], OnnxGraphBuilder.Int("axis", 1));
            x = decoders[i].Export(graph, joined, up, $"decoder{i}");
        }

        x = graph.Node("Conv", [x, graph.Initializer("head.weight", head.weight!), graph.Initializer("head.bias", head.bias!)],
            OnnxGraphBuilder.Ints("kernel_shape", 1, 1));
        var probabilities = graph.Node("Softmax", [x], OnnxGraphBuilder.Int("axis", 1));
        graph.NameOutput(probabilities, "probabilities");
        graph.Declare("probabilities", Classes, input: false);
        return graph.ToModel(version, description);
    }
}
