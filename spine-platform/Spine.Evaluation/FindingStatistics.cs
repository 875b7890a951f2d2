namespace Spine.Evaluation;

/// <summary>
/// Agreement of the simulated (or real) readers with each other and of the model with each reader: the honest
/// ceiling of a grader is how well readers agree among themselves.
/// </summary>
public sealed record ReaderAgreement(
    IReadOnlyList<double> ReaderVsReaderKappa,
    double MeanReaderVsReaderKappa,
    Interval? MeanReaderVsReaderInterval,
    IReadOnlyList<double> ModelVsReaderKappa,
    double MeanModelVsReaderKappa,
    Interval? MeanModelVsReaderInterval);

/// <summary>The statistics of one finding's graded findings, each with its bootstrap interval.</summary>
public static class FindingStatistics
{
    public static double Kappa(IReadOnlyList<GradedFinding> f) => Metrics.LinearWeightedKappa([.. f.Select(x => x.Reference)], [.. f.Select(x => x.Predicted)], ClassesOf(f));

    public static double? Auroc(IReadOnlyList<GradedFinding> f) => Metrics.Auroc([.. f.Select(x => x.Significant)], [.. f.Select(x => x.ModerateOrWorse)]);

    /// <summary>The scale of a set of findings (all on one scale: 4 grades, or RSNA's 3).</summary>
    public static int ClassesOf(IReadOnlyList<GradedFinding> f) => f.Count == 0 ? 4 : f[0].Classes;

    public static double Exact(IReadOnlyList<GradedFinding> f) => Metrics.Agreement([.. f.Select(x => x.Reference)], [.. f.Select(x => x.Predicted)]).Exact;

    public static double WithinOne(IReadOnlyList<GradedFinding> f) => Metrics.Agreement([.. f.Select(x => x.Reference)], [.. f.Select(x => x.Predicted)]).WithinOne;

    /// <summary>Reader-vs-reader and model-vs-reader agreement; null when the findings carry no readers' grades.</summary>
    public static ReaderAgreement? Readers(IReadOnlyList<GradedFinding> findings, int replicates)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var withReaders = findings.Where(f => f.Readers is { Count: >= 2 }).ToList();
        if (withReaders.Count == 0)
        {
            return null;
        }

        var readers = withReaders.Min(f => f.Readers!.Count);
        var pairs = Enumerable.Range(0, readers).SelectMany(a => Enumerable.Range(a + 1, readers - a - 1).Select(b => (a, b))).ToList();
        double PairKappa(IReadOnlyList<GradedFinding> f, int a, int b) => Metrics.LinearWeightedKappa([.. f.Select(x => x.Readers![a])], [.. f.Select(x => x.Readers![b])], ClassesOf(f));
        double ModelKappa(IReadOnlyList<GradedFinding> f, int r) => Metrics.LinearWeightedKappa([.. f.Select(x => x.Readers![r])], [.. f.Select(x => x.Predicted)], ClassesOf(f));
        double? MeanPairs(IReadOnlyList<GradedFinding> f) => pairs.Average(p => PairKappa(f, p.a, p.b));
        double? MeanModel(IReadOnlyList<GradedFinding> f) => Enumerable.Range(0, readers).Average(r => ModelKappa(f, r));
        return new ReaderAgreement(
            [.. pairs.Select(p => Math.Round(PairKappa(withReaders, p.a, p.b), 4))],
            Math.Round(MeanPairs(withReaders)!.Value, 4),
            Bootstrap.Of(withReaders, MeanPairs, replicates),
            [.. Enumerable.Range(0, readers).Select(r => Math.Round(ModelKappa(withReaders, r), 4))],
            Math.Round(MeanModel(withReaders)!.Value, 4),
            Bootstrap.Of(withReaders, MeanModel, replicates));
    }
}
