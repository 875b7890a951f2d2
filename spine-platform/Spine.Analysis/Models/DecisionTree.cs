using System.Globalization;
using System.Text.Json.Serialization;

namespace Spine.Analysis.Models;

/// <summary>One node: a split on a feature at a threshold, or a leaf with class probabilities.</summary>
public sealed record TreeNode
{
    public int? Feature { get; init; }
    public double? Threshold { get; init; }

    /// <summary>Index of the child for values at or below the threshold.</summary>
    public int? Below { get; init; }

    /// <summary>Index of the child for values above the threshold.</summary>
    public int? Above { get; init; }

    /// <summary>Class probabilities of the training samples that reached this node (a leaf's prediction).</summary>
    public required IReadOnlyList<double> Probabilities { get; init; }

    public required int Samples { get; init; }

    [JsonIgnore]
    public bool IsLeaf => Feature is null;
}

/// <summary>
/// A small classification tree (CART, Gini impurity, binary splits at midpoints), the interpretable grader of the
/// seed paper for central canal stenosis: thresholds on the dural sac / disc area ratio and the dural sac area,
/// learned from training data, readable by a radiologist, and able to say which thresholds decided a grade.
/// </summary>
public sealed record DecisionTree
{
    public required IReadOnlyList<string> FeatureNames { get; init; }
    public required IReadOnlyList<string> FeatureUnits { get; init; }
    public required int Classes { get; init; }
    public required IReadOnlyList<TreeNode> Nodes { get; init; }

    /// <param name="smoothing">Added to every class's count in a leaf (Laplace smoothing), so that a leaf's probabilities are never 0 or 1 on a few cases.</param>
    public static DecisionTree Train(IReadOnlyList<double[]> features, IReadOnlyList<int> labels, IReadOnlyList<string> featureNames, IReadOnlyList<string> featureUnits,
        int classes = 4, int maxDepth = 3, int minSamplesLeaf = 5, double smoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Count != labels.Count || features.Count == 0)
        {
            throw new ArgumentException($"{features.Count} feature rows and {labels.Count} labels: a tree needs one label per row and at least one row.", nameof(labels));
        }

        var nodes = new List<TreeNode>();
        Grow(Enumerable.Range(0, features.Count).ToArray(), 0);
        return new DecisionTree { FeatureNames = featureNames, FeatureUnits = featureUnits, Classes = classes, Nodes = nodes };

        int Grow(int[] rows, int depth)
        {
            var index = nodes.Count;
            var probabilities = Distribution(rows);
            nodes.Add(new TreeNode { Probabilities = Smoothed(rows), Samples = rows.Length });
            if (depth >= maxDepth || probabilities.Max() == 1 || rows.Length < 2 * minSamplesLeaf)
            {
                return index;
            }

            var best = (Gain: 0.0, Feature: -1, Threshold: 0.0);
            var parentImpurity = Gini(rows);
            for (var f = 0; f < featureNames.Count; f++)
            {
                var sorted = rows.OrderBy(r => features[r][f]).ToArray();
                for (var split = minSamplesLeaf; split <= sorted.Length - minSamplesLeaf; split++)
                {
                    var (low, high) = (features[sorted[split - 1]][f], features[sorted[split]][f]);
                    if (low == high)
                    {
                        continue;
                    }

                    var left = sorted[..split];
                    var right = sorted[split..];
                    var impurity = ((left.Length * Gini(left)) + (right.Length * Gini(right))) / sorted.Length;
                    var gain = parentImpurity - impurity;
                    if (gain > best.Gain + 1e-12)
                    {
                        best = (gain, f, (low + high) / 2);
                    }
                }
            }

            if (best.Feature < 0)
            {
                return index;
            }

            var below = Grow(rows.Where(r => features[r][best.Feature] <= best.Threshold).ToArray(), depth + 1);
            var above = Grow(rows.Where(r => features[r][best.Feature] > best.Threshold).ToArray(), depth + 1);
            nodes[index] = nodes[index] with { Feature = best.Feature, Threshold = Math.Round(best.Threshold, 6), Below = below, Above = above };
            return index;
        }

        double[] Distribution(int[] rows)
        {
            var counts = new double[classes];
            foreach (var r in rows)
            {
                counts[labels[r]]++;
            }

            return counts.Select(c => c / rows.Length).ToArray();
        }

        double[] Smoothed(int[] rows)
        {
            var counts = new double[classes];
            foreach (var r in rows)
            {
                counts[labels[r]]++;
            }

            return counts.Select(c => (c + smoothing) / (rows.Length + (classes * smoothing))).ToArray();
        }

        double Gini(int[] rows) => 1 - Distribution(rows).Sum(p => p * p);
    }

    /// <summary>Class probabilities of the leaf the features reach, and the decisions on the way, as readable text.</summary>
    public (IReadOnlyList<double> Probabilities, IReadOnlyList<string> Path) Predict(IReadOnlyList<double> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var path = new List<string>();
        var node = Nodes[0];
        while (!node.IsLeaf)
        {
            var f = node.Feature!.Value;
            var value = features[f];
            var below = value <= node.Threshold!.Value;
            var unit = FeatureUnits[f].Length > 0 ? " " + FeatureUnits[f] : string.Empty;
            path.Add($"{FeatureNames[f]} {Format(value)}{unit} {(below ? "<=" : ">")} {Format(node.Threshold.Value)}{unit}");
            node = Nodes[below ? node.Below!.Value : node.Above!.Value];
        }

        return (node.Probabilities, path);
    }

    private static string Format(double value) => value.ToString(Math.Abs(value) >= 10 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DecisionTree))]
public sealed partial class DecisionTreeJsonContext : JsonSerializerContext;
