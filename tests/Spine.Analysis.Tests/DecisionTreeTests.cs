using System.Text.Json;
using Spine.Analysis.Models;
using Spine.Evaluation;

namespace Spine.Analysis.Tests;

public sealed class DecisionTreeTests
{
    // Grades by dural sac area alone (bands 130, 100, 75 mm2), ratio a noisy companion.
    private static (List<double[]> Features, List<int> Labels) Bands(int seed, int count)
    {
        var random = new Random(seed);
        var features = new List<double[]>();
        var labels = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var area = 45 + (random.NextDouble() * 150);
            var grade = area > 130 ? 0 : area > 100 ? 1 : area > 75 ? 2 : 3;
            features.Add([area / (1400 + (random.NextDouble() * 300)), area]);
            labels.Add(grade);
        }

        return (features, labels);
    }

    [Fact]
    public void Tree_learns_the_area_thresholds_and_grades_unseen_cases()
    {
        var (features, labels) = Bands(1, 400);
        var tree = DecisionTree.Train(features, labels, ["dural sac / disc area ratio", "dural sac area"], ["", "mm2"]);
        var (test, truth) = Bands(2, 200);

        var predicted = test.Select(f => { var p = tree.Predict(f).Probabilities; return p.ToList().IndexOf(p.Max()); }).ToList();

        Assert.True(Metrics.LinearWeightedKappa(truth, predicted) > 0.9);
        var thresholds = tree.Nodes.Where(n => n.Feature == 1).Select(n => n.Threshold!.Value).Order().ToList();
        Assert.Contains(thresholds, t => Math.Abs(t - 75) < 3);
        Assert.Contains(thresholds, t => Math.Abs(t - 100) < 3);
        Assert.Contains(thresholds, t => Math.Abs(t - 130) < 3);
    }

    [Fact]
    public void Prediction_explains_itself_with_the_thresholds_it_passed()
    {
        var (features, labels) = Bands(3, 300);
        var tree = DecisionTree.Train(features, labels, ["dural sac / disc area ratio", "dural sac area"], ["", "mm2"]);

        var (probabilities, path) = tree.Predict([0.04, 62]);

        Assert.Equal(3, probabilities.ToList().IndexOf(probabilities.Max()));
        Assert.Contains(path, step => step.StartsWith("dural sac area 62 mm2 <=", StringComparison.Ordinal));
        Assert.Equal(1, probabilities.Sum(), 6);
    }

    [Fact]
    public void Tree_round_trips_through_json()
    {
        var (features, labels) = Bands(4, 200);
        var tree = DecisionTree.Train(features, labels, ["ratio", "area"], ["", "mm2"]);

        var json = JsonSerializer.Serialize(tree, DecisionTreeJsonContext.Default.DecisionTree);
        var read = JsonSerializer.Deserialize(json, DecisionTreeJsonContext.Default.DecisionTree)!;

        Assert.Equal(tree.Predict([0.05, 90]).Probabilities, read.Predict([0.05, 90]).Probabilities);
        Assert.Equal(tree.Nodes.Count, read.Nodes.Count);
    }
}
