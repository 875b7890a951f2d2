using Spine.Evaluation;

namespace Spine.Evaluation.Tests;

public sealed class EvaluationMarkdownTests
{
    private static FindingScores Finding(string key, double kappa, double? auroc) =>
        new(key, key.Replace('_', ' '), "CNN", 8, kappa, auroc, 0.5, 0.875, [[2, 0, 0, 0], [1, 1, 0, 0], [0, 0, 2, 0], [0, 0, 1, 1]]);

    private static EvaluationReport Report() => new()
    {
        Dataset = "test-set",
        Studies = 2,
        Levels = 8,
        Slices = 30,
        Models = ["a 1.0"],
        DiceMeanPerCase = new Dictionary<string, double> { ["thecal_sac"] = 0.912, ["intervertebral_disc"] = 0.934 },
        DicePooled = new Dictionary<string, double> { ["thecal_sac"] = 0.915, ["intervertebral_disc"] = 0.936 },
        Localisation = [new("foramen", 16, 0.611, 0.6, 16), new("facet", 16, 0.705, 0.7, 15)],
        Findings = [Finding("central_canal_cnn", 0.52, 0.81), Finding("central_canal_tree", 0.83, 0.97), Finding("foramen", 0.7, 0.905), Finding("facet", 0.6, null)],
        DuralSacAreaMeanAbsoluteErrorMm2 = 3.25,
        LevelsNotMeasurable = 1,
        SegmenterMillisecondsPerSlice = 50,
        GraderMillisecondsPerRegion = 2,
    };

    [Fact]
    public void Summary_table_puts_each_figure_beside_the_papers()
    {
        var markdown = EvaluationMarkdown.Write(Report());

        Assert.Contains("| Dice, dural sac | 0.912 | 0.93 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Dice, disc | 0.934 | 0.94 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Localisation IoU, foramen | 0.611 | 0.72 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Central canal, weighted kappa, decision tree | 0.830 | 0.80 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Central canal, weighted kappa, CNN | 0.520 | 0.54 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Foraminal stenosis, AUROC (moderate or worse) | 0.905 | 0.92 |", markdown, StringComparison.Ordinal);

        // An AUROC that cannot be computed (one class only) is said to be missing, not printed as a number.
        Assert.Contains("| Facet arthropathy, AUROC (moderate or worse) | n/a | 0.93 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Confusion_matrices_list_reference_grades_as_rows()
    {
        var markdown = EvaluationMarkdown.Write(Report());

        Assert.Contains("| mild | 1 | 1 | 0 | 0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| severe | 0 | 0 | 1 | 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("Levels the reference graded but the platform found not assessable (scored as normal with no confidence): 1.", markdown, StringComparison.Ordinal);
    }
}
