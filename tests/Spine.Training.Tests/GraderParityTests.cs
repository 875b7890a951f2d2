using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Spine.Training;
using Spine.Training.Networks;
using TorchSharp;

namespace Spine.Training.Tests;

/// <summary>The BiT grader's ONNX graph computes what TorchSharp computes: probabilities, and class maps whose mean is the logit.</summary>
public sealed class GraderParityTests
{
    private static BitGrader TrainedALittle()
    {
        torch.random.manual_seed(5);
        var model = new BitGrader(width: 8, blocksPerStage: 1, groups: 4);

        // A few optimiser steps move group-norm affine parameters and the head away from their initial values; each
        // runs under the guard that training runs under (TorchSharp's temporaries and the garbage collector).
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-2);
        model.train();
        for (var i = 0; i < 3; i++)
        {
            TrainingStep.Run(optimizer, i, () => torch.nn.functional.cross_entropy(model.forward(torch.rand(4, 1, 32, 32)), torch.tensor(new long[] { 0, 1, 2, 3 })));
        }

        model.eval();
        return model;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Onnx_runtime_gives_the_grade_probabilities_and_class_maps_torchsharp_gives(int batch)
    {
        var model = TrainedALittle();
        var random = new Random(batch);
        var image = Enumerable.Range(0, batch * 32 * 32).Select(_ => (float)random.NextDouble()).ToArray();
        float[] expected, expectedMaps;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            using var x = torch.tensor(image, [batch, 1, 32, 32]);
            expected = torch.nn.functional.softmax(model.forward(x), 1).data<float>().ToArray();
            expectedMaps = model.ClassMaps(x).data<float>().ToArray();
        }

        using var session = new InferenceSession(model.ExportOnnx(32, "test", "parity test"));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("region", new DenseTensor<float>(image, [batch, 1, 32, 32]))]);
        var probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>();
        var maps = results.Single(r => r.Name == "class_maps").AsTensor<float>();
        var features = results.Single(r => r.Name == "features").AsTensor<float>();

        Assert.Equal([batch, 4], probabilities.Dimensions.ToArray());
        Assert.Equal([batch, 4, 8, 8], maps.Dimensions.ToArray());
        Assert.Equal([batch, 32, 8, 8], features.Dimensions.ToArray());
        Assert.All(expected, p => Assert.True(float.IsFinite(p)));
        var largest = expected.Zip(probabilities.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest < 1e-4, $"largest probability difference {largest}");
        var largestMap = expectedMaps.Zip(maps.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largestMap < 1e-3, $"largest class map difference {largestMap}");
    }

    [Fact]
    public void Class_maps_average_to_the_logits_so_the_onnx_outputs_alone_give_the_activation_map_of_each_grade()
    {
        var model = TrainedALittle();
        var image = Enumerable.Range(0, 32 * 32).Select(i => (float)Math.Sin(i * 0.1)).ToArray();
        using var session = new InferenceSession(model.ExportOnnx(32, "test", "parity test"));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("region", new DenseTensor<float>(image, [1, 1, 32, 32]))]);
        var probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();
        var maps = results.Single(r => r.Name == "class_maps").AsTensor<float>().ToArray();

        var logits = Enumerable.Range(0, 4).Select(g => maps.Skip(g * 64).Take(64).Average()).ToArray();
        var softmax = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
        var fromMaps = softmax.Select(e => e / softmax.Sum()).ToArray();
        for (var g = 0; g < 4; g++)
        {
            Assert.Equal(probabilities[g], fromMaps[g], 4);
        }
    }
}
