namespace Spine.Evaluation;

/// <summary>
/// The RSNA 2024 Lumbar Spine Degenerative Classification metric, for the conditions the platform grades: the
/// platform's four grades become RSNA's three (normal and mild together, moderate, severe), and each condition's
/// sample-weighted log loss weighs a finding by its reference severity (1 for normal/mild, 2 for moderate, 4 for
/// severe), normalised by the weights. The "any severe spinal stenosis" term is a binary log loss per study on the
/// largest P(severe) of the canal over its levels, weighted 1 for a study without and 4 for one with a severe level.
/// RSNA's score is the mean of four terms with subarticular stenosis among them, which the platform does not grade,
/// so the mean of the terms here is not comparable to the competition's leaderboard.
/// </summary>
public static class RsnaMetric
{
    private static readonly double[] Weights = [1, 2, 4];
    private const double Floor = 1e-15;

    /// <summary>RSNA's three severities from the platform's four grades.</summary>
    public static int Severity(int grade) => grade <= 1 ? 0 : grade - 1;

    /// <summary>The sample-weighted log loss of one condition's findings; null when there are none.</summary>
    public static double? LogLoss(IReadOnlyList<GradedFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count == 0)
        {
            return null;
        }

        double loss = 0, weights = 0;
        foreach (var finding in findings.Select(GradedFinding.OnThreePoints))
        {
            var three = finding.Probabilities;
            var truth = finding.Reference;
            var weight = Weights[truth];
            loss -= weight * Math.Log(Math.Max(Floor, three[truth] / Math.Max(Floor, three.Sum())));
            weights += weight;
        }

        return loss / weights;
    }

    /// <summary>The any-severe spinal stenosis term over the canal findings, one per study; null when there are none.</summary>
    public static double? AnySevereSpinal(IReadOnlyList<GradedFinding> canal)
    {
        ArgumentNullException.ThrowIfNull(canal);
        var studies = canal.Select(GradedFinding.OnThreePoints).GroupBy(f => f.Study).Select(g => (Severe: g.Any(f => f.Reference == 2), P: g.Max(f => f.Probabilities[2]))).ToList();
        if (studies.Count == 0)
        {
            return null;
        }

        double loss = 0, weights = 0;
        foreach (var (severe, p) in studies)
        {
            var weight = severe ? 4 : 1;
            loss -= weight * Math.Log(Math.Clamp(severe ? p : 1 - p, Floor, 1));
            weights += weight;
        }

        return loss / weights;
    }
}
