namespace Spine.Evaluation;

/// <summary>
/// The figures of one finding's graded findings, written once for <c>spine evaluate</c> (against a dataset's reference)
/// and <c>spine validate</c> (against radiologists' readings): weighted kappa, AUROC, exact and within-one agreement,
/// the confusion matrix, calibration, RSNA's log loss and reader agreement, each with its bootstrap interval.
/// </summary>
public static class FindingScoring
{
    /// <param name="key">
    /// central_canal_cnn, central_canal_tree, foramen or facet (an evaluation's models side by side), or central_canal
    /// (a validation: the pipeline reports the tree's grade).
    /// </param>
    public static FindingScores Score(string key, IReadOnlyList<GradedFinding> findings, int replicates)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var (finding, model) = key switch
        {
            "central_canal_cnn" => ("central canal stenosis", "CNN"),
            "central_canal_tree" or "central_canal" => ("central canal stenosis", "decision tree"),
            "foramen" => ("neural foraminal stenosis (left and right)", "CNN"),
            "facet" => ("facet arthropathy (left and right)", "CNN"),
            _ => throw new ArgumentException($"'{key}' is not a finding key.", nameof(key)),
        };
        var rsna = key != "facet"; // RSNA 2024 scores the canal and the foramina, not the facets
        var classes = FindingStatistics.ClassesOf(findings);
        var matrix = Metrics.ConfusionMatrix([.. findings.Select(f => f.Reference)], [.. findings.Select(f => f.Predicted)], classes);
        var empty = findings.Count == 0;
        return new FindingScores(
            key,
            finding,
            model,
            findings.Count,
            empty ? 0 : Math.Round(FindingStatistics.Kappa(findings), 4),
            empty ? null : FindingStatistics.Auroc(findings) is { } auroc ? Math.Round(auroc, 4) : null,
            empty ? 0 : Math.Round(FindingStatistics.Exact(findings), 4),
            empty ? 0 : Math.Round(FindingStatistics.WithinOne(findings), 4),
            Enumerable.Range(0, classes).Select(i => Enumerable.Range(0, classes).Select(j => matrix[i, j]).ToArray()).ToArray())
        {
            Classes = classes,
            KappaInterval = Bootstrap.Of(findings, f => FindingStatistics.Kappa(f), replicates),
            AurocInterval = Bootstrap.Of(findings, FindingStatistics.Auroc, replicates),
            ExactInterval = Bootstrap.Of(findings, f => FindingStatistics.Exact(f), replicates),
            WithinOneInterval = Bootstrap.Of(findings, f => FindingStatistics.WithinOne(f), replicates),
            ExpectedCalibrationError = Calibration.ExpectedError(findings) is { } ece ? Math.Round(ece, 4) : null,
            CalibrationInterval = Bootstrap.Of(findings, Calibration.ExpectedError, replicates),
            Reliability = Calibration.Reliability(findings),
            RsnaLogLoss = !rsna ? null : RsnaMetric.LogLoss(findings) is { } loss ? Math.Round(loss, 4) : null,
            RsnaInterval = !rsna ? null : Bootstrap.Of(findings, RsnaMetric.LogLoss, replicates),
            Readers = FindingStatistics.Readers(findings, replicates),
        };
    }
}
