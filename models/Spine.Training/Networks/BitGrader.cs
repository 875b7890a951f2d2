using Spine.Training.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spine.Training.Networks;

/// <summary>
/// A BiT-style grader (Kolesnikov et al. 2020, "Big Transfer"), scaled to a region crop: a standardised 3x3 stem,
/// stages of pre-activation residual units with group normalisation and weight standardisation, a final norm and ReLU
/// (the last feature map), a 1x1 head giving one activation map per grade, and their spatial mean as the logits. The
/// mean of a linear head's maps equals the head applied to the pooled features, so this is global average pooling and
/// a linear head, with the class activation maps (Zhou et al. 2016) an output of the model itself.
/// </summary>
internal sealed class BitGrader : nn.Module<Tensor, Tensor>
{
    public const int Grades = 4;
    private readonly StdConv2d stem;
    private readonly ModuleList<PreActBlock> blocks = new();
    private readonly GroupNormRelu final;
    private readonly Conv2d head;

    public BitGrader(int width = 16, int blocksPerStage = 1, int groups = 8) : base("bit_grader")
    {
        Width = width;
        stem = new StdConv2d("stem", 1, width, 3);
        long channels = width;
        for (var stage = 0; stage < 3; stage++)
        {
            var output = width << stage;
            for (var b = 0; b < blocksPerStage; b++)
            {
                blocks.Add(new PreActBlock($"stage{stage}.{b}", channels, output, b == 0 && stage > 0 ? 2 : 1, groups));
                channels = output;
            }
        }

        FeatureChannels = channels;
        final = new GroupNormRelu("final", channels, groups);
        head = nn.Conv2d(channels, Grades, 1);
        RegisterComponents();
    }

    public int Width { get; }

    public long FeatureChannels { get; }

    /// <summary>The crop shrinks by this factor to the feature map.</summary>
    public const int Downsampling = 4;

    /// <summary>Logits, (batch, grades).</summary>
    public override Tensor forward(Tensor input) => ClassMaps(input).mean([2, 3]);

    public Tensor ClassMaps(Tensor input)
    {
        var x = stem.forward(input);
        foreach (var block in blocks)
        {
            x = block.forward(x);
        }

        return head.forward(final.forward(x));
    }

    /// <summary>
    /// ONNX graph: input "region" (batch, 1, size, size); outputs "probabilities" (batch, 4), "features" (the last
    /// feature map) and "class_maps" (batch, 4, size/4, size/4).
    /// </summary>
    public byte[] ExportOnnx(int size, string version, string description)
    {
        var graph = new OnnxGraphBuilder();
        graph.Declare("region", input: true, "batch", 1L, (long)size, (long)size);
        var x = stem.Export(graph, "region", "stem");
        for (var i = 0; i < blocks.Count; i++)
        {
            x = blocks[i].Export(graph, x, $"block{i}");
        }

        var features = final.Export(graph, x, "final");
        var maps = graph.Node("Conv", [features, graph.Initializer("head.weight", head.weight!), graph.Initializer("head.bias", head.bias!)],
            OnnxGraphBuilder.Ints("kernel_shape", 1, 1));
        var logits = graph.Node("ReduceMean", [maps], OnnxGraphBuilder.Ints("axes", 2, 3), OnnxGraphBuilder.Int("keepdims", 0));
        var probabilities = graph.Node("Softmax", [logits], OnnxGraphBuilder.Int("axis", 1));

        // Features feed the head and are an output too: an Identity gives the output its own name.
        var featuresOut = graph.Node("Identity", [features]);
        graph.NameOutput(featuresOut, "features");
        graph.NameOutput(maps, "class_maps");
        graph.NameOutput(probabilities, "probabilities");
        var mapSize = (long)(size / Downsampling);
        graph.Declare("probabilities", input: false, "batch", (long)Grades);
        graph.Declare("features", input: false, "batch", FeatureChannels, mapSize, mapSize);
        graph.Declare("class_maps", input: false, "batch", (long)Grades, mapSize, mapSize);
        return graph.ToModel(version, description);
    }
}
