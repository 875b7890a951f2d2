using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Spine.Training;
using Spine.Training.Networks;
using TorchSharp;

namespace Spine.Training.Tests;

/// <summary>The hand-built ONNX graph computes what the TorchSharp network computes.</summary>
public sealed class OnnxParityTests
{
    private static VNet2d ModelWithStatistics()
    {
        torch.random.manual_seed(11);
        var model = new VNet2d(classes: 5, baseChannels: 4, levels: 3);

        // A few passes in training mode give batch normalisation running statistics that are not the defaults.
        model.train();
        for (var i = 0; i < 3; i++)
        {
            GcGuard.Run(() =>
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                return model.forward(torch.rand(2, 1, 32, 48) * 3).shape;
            });
        }

        model.eval();
        return model;
    }

    [Theory]
    [InlineData(1, 32, 48)]
    [InlineData(2, 64, 40)]
    public void Onnx_runtime_gives_the_probabilities_torchsharp_gives(int batch, int height, int width)
    {
        var model = ModelWithStatistics();
        var random = new Random(batch * 1000 + height);
        var image = Enumerable.Range(0, batch * height * width).Select(_ => (float)random.NextDouble()).ToArray();

        float[] expected;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            expected = torch.nn.functional.softmax(model.forward(torch.tensor(image, [batch, 1, height, width])), 1).data<float>().ToArray();
        }

        using var session = new InferenceSession(model.ExportOnnx("test", "parity test"));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("image", new DenseTensor<float>(image, [batch, 1, height, width]))]);
        var actual = results.Single(r => r.Name == "probabilities").AsTensor<float>();

        Assert.Equal([batch, 5, height, width], actual.Dimensions.ToArray());
        var largest = expected.Zip(actual.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest < 1e-4, $"largest difference {largest}");
    }

    [Fact]
    public void Exported_graph_uses_opset_17_standard_operators_and_names_its_input_and_output()
    {
        var bytes = ModelWithStatistics().ExportOnnx("test", "parity test");
        var model = global::Onnx.ModelProto.Parser.ParseFrom(bytes);
        using var session = new InferenceSession(bytes);

        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        Assert.Subset(new HashSet<string> { "Conv", "BatchNormalization", "PRelu", "Add", "ConvTranspose", "Concat", "Softmax" }, model.Graph.Node.Select(n => n.OpType).ToHashSet());
        Assert.Equal("image", session.InputMetadata.Keys.Single());
        Assert.Equal("probabilities", session.OutputMetadata.Keys.Single());
    }
}
