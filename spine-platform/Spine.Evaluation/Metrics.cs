namespace Spine.Evaluation;

/// <summary>An axis-aligned box in pixels.</summary>
public readonly record struct Box(int X, int Y, int Width, int Height)
{
    public long Area => (long)Math.Max(0, Width) * Math.Max(0, Height);
}

/// <summary>The metrics of the seed paper's results table (Bharadwaj et al. 2023), as plain functions.</summary>
public static class Metrics
{
    /// <summary>Dice coefficient of one label between two label maps: 2|A∩B| / (|A| + |B|); 1 when the label is in neither.</summary>
    public static double Dice(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth, byte label)
    {
        if (predicted.Length != truth.Length)
        {
            throw new ArgumentException($"Label maps of {predicted.Length} and {truth.Length} voxels cannot be compared.", nameof(predicted));
        }

        long both = 0, inPredicted = 0, inTruth = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var p = predicted[i] == label;
            var t = truth[i] == label;
            inPredicted += p ? 1 : 0;
            inTruth += t ? 1 : 0;
            both += p && t ? 1 : 0;
        }

        return inPredicted + inTruth == 0 ? 1 : 2.0 * both / (inPredicted + inTruth);
    }

    /// <summary>Intersection over union of two boxes (localisation of foramen and facet).</summary>
    public static double IoU(Box a, Box b)
    {
        var x0 = Math.Max(a.X, b.X);
        var y0 = Math.Max(a.Y, b.Y);
        var x1 = Math.Min(a.X + a.Width, b.X + b.Width);
        var y1 = Math.Min(a.Y + a.Height, b.Y + b.Height);
        var intersection = (long)Math.Max(0, x1 - x0) * Math.Max(0, y1 - y0);
        var union = a.Area + b.Area - intersection;
        return union == 0 ? 0 : (double)intersection / union;
    }

    /// <summary>Counts of (truth, predicted) grade pairs: rows are the truth.</summary>
    public static int[,] ConfusionMatrix(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classes = 4)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true and {predicted.Count} predicted grades cannot be paired.", nameof(predicted));
        }

        var matrix = new int[classes, classes];
        for (var i = 0; i < truth.Count; i++)
        {
            matrix[truth[i], predicted[i]]++;
        }

        return matrix;
    }

    /// <summary>
    /// Cohen's kappa with linear weights (agreement 1 - |i - j| / (k - 1)), the paper's measure for 4-grade findings.
    /// 1 is perfect agreement, 0 what chance gives.
    /// </summary>
    public static double LinearWeightedKappa(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classes = 4)
    {
        var matrix = ConfusionMatrix(truth, predicted, classes);
        var n = (double)truth.Count;
        if (n == 0)
        {
            throw new ArgumentException("Kappa needs at least one pair.", nameof(truth));
        }

        var rows = new double[classes];
        var columns = new double[classes];
        for (var i = 0; i < classes; i++)
        {
            for (var j = 0; j < classes; j++)
            {
                rows[i] += matrix[i, j];
                columns[j] += matrix[i, j];
            }
        }

        double observed = 0, expected = 0;
        for (var i = 0; i < classes; i++)
        {
            for (var j = 0; j < classes; j++)
            {
                var weight = 1 - (Math.Abs(i - j) / (double)(classes - 1));
                observed += weight * matrix[i, j] / n;
                expected += weight * rows[i] * columns[j] / (n * n);
            }
        }

        return expected >= 1 ? 1 : (observed - expected) / (1 - expected);
    }

    /// <summary>
    /// Area under the ROC curve: the probability that a positive case scores above a negative one (ties count half),
    /// computed from ranks (Mann-Whitney U). Null when either class is absent.
    /// </summary>
    public static double? Auroc(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(score);
        var order = Enumerable.Range(0, score.Count).OrderBy(i => score[i]).ToArray();
        var ranks = new double[score.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && score[order[end + 1]] == score[order[start]])
            {
                end++;
            }

            var averageRank = ((start + end) / 2.0) + 1; // ties share the mean of their ranks
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = averageRank;
            }

            start = end + 1;
        }

        var positives = positive.Count(p => p);
        var negatives = positive.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        var rankSum = Enumerable.Range(0, ranks.Length).Where(i => positive[i]).Sum(i => ranks[i]);
        return (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>Exact agreement, and agreement within one grade.</summary>
    public static (double Exact, double WithinOne) Agreement(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        var exact = truth.Zip(predicted).Count(pair => pair.First == pair.Second);
        var withinOne = truth.Zip(predicted).Count(pair => Math.Abs(pair.First - pair.Second) <= 1);
        return ((double)exact / truth.Count, (double)withinOne / truth.Count);
    }
}
