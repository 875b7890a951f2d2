namespace Spine.Evaluation;

/// <summary>
/// One finding of one level in an evaluation: the reference grade (the readers' majority on phantom 2.x), each
/// reader's grade when there are readers, and what the platform said (grade and the four grade probabilities), with
/// the study it belongs to (the unit the bootstrap resamples) and tags for breaking figures down.
/// </summary>
public sealed record GradedFinding(string Key, int Study, int Reference, int Predicted, IReadOnlyList<double> Probabilities, IReadOnlyList<int>? Readers, IReadOnlyList<string> Tags)
{
    /// <summary>
    /// The scale of <see cref="Reference"/>, <see cref="Predicted"/>, <see cref="Readers"/> and <see cref="Probabilities"/>:
    /// 4 (normal, mild, moderate, severe) or 3 (RSNA's normal/mild, moderate, severe).
    /// </summary>
    public int Classes { get; init; } = 4;

    /// <summary>The lowest grade that is moderate on this finding's scale.</summary>
    public int ModerateGrade => Classes == 4 ? 2 : 1;

    /// <summary>Whether the reference is moderate or worse: the positive class of AUROC and calibration.</summary>
    public bool Significant => Reference >= ModerateGrade;

    /// <summary>P(moderate or worse): the binary figure AUROC and calibration are computed on.</summary>
    public double ModerateOrWorse => Probabilities.Skip(ModerateGrade).Sum();

    /// <summary>The four grades on RSNA's three (normal and mild together); a three-point finding as it is.</summary>
    public static GradedFinding OnThreePoints(GradedFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.Classes == 3)
        {
            return finding;
        }

        var p = finding.Probabilities;
        return finding with
        {
            Classes = 3,
            Reference = RsnaMetric.Severity(finding.Reference),
            Predicted = RsnaMetric.Severity(finding.Predicted),
            Readers = finding.Readers?.Select(RsnaMetric.Severity).ToList(),
            Probabilities = [p[0] + p[1], p[2], p[3]],
        };
    }
}

/// <summary>A 95 % confidence interval.</summary>
public sealed record Interval(double Low, double High)
{
    public bool Overlaps(Interval other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Low <= other.High && other.Low <= High;
    }
}

/// <summary>
/// Percentile bootstrap over studies: the findings of randomly drawn studies (with replacement, as many as there are),
/// the statistic computed on each draw, and the 2.5th and 97.5th percentiles of its values. Studies, not findings, are
/// the unit: the levels and sides of one study are not independent.
/// </summary>
public static class Bootstrap
{
    public const int DefaultReplicates = 1000;

    public static Interval? Of(IReadOnlyList<GradedFinding> findings, Func<IReadOnlyList<GradedFinding>, double?> statistic, int replicates = DefaultReplicates, int seed = 20261130) =>
        Of(findings, f => f.Study, statistic, replicates, seed);

    /// <summary>The interval of the mean of per-study values (Dice per case, IoU per region).</summary>
    public static Interval? OfMean(IReadOnlyList<(int Study, double Value)> values, int replicates = DefaultReplicates, int seed = 20261130) =>
        Of(values, v => v.Study, sample => sample.Count == 0 ? null : sample.Average(v => v.Value), replicates, seed);

    public static Interval? Of<T>(IReadOnlyList<T> items, Func<T, int> studyOf, Func<IReadOnlyList<T>, double?> statistic, int replicates = DefaultReplicates, int seed = 20261130)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(studyOf);
        ArgumentNullException.ThrowIfNull(statistic);
        var byStudy = items.GroupBy(studyOf).Select(g => g.ToList()).ToList();
        if (byStudy.Count < 2 || replicates < 1)
        {
            return null;
        }

        var random = new Random(seed);
        var values = new List<double>(replicates);
        var sample = new List<T>(items.Count);
        for (var r = 0; r < replicates; r++)
        {
            sample.Clear();
            for (var s = 0; s < byStudy.Count; s++)
            {
                sample.AddRange(byStudy[random.Next(byStudy.Count)]);
            }

            if (statistic(sample) is { } value && double.IsFinite(value))
            {
                values.Add(value);
            }
        }

        if (values.Count < replicates / 2)
        {
            return null; // the statistic is undefined on most draws (a class absent): no honest interval
        }

        values.Sort();
        return new Interval(Math.Round(Percentile(values, 0.025), 4), Math.Round(Percentile(values, 0.975), 4));
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var position = p * (sorted.Count - 1);
        var (low, high) = ((int)Math.Floor(position), (int)Math.Ceiling(position));
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }
}
