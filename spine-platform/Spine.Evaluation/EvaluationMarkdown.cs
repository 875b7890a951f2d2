using System.Globalization;
using System.Text;

namespace Spine.Evaluation;

/// <summary>The evaluation as Markdown: the seed paper's results table with this run beside it, then the detail.</summary>
public static class EvaluationMarkdown
{
    public static string Write(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var paper = report.Paper.ToDictionary(p => p.Metric, p => p.Value);
        var canalTree = report.Findings.Single(f => f.Key == "central_canal_tree");
        var canalCnn = report.Findings.Single(f => f.Key == "central_canal_cnn");
        var foramen = report.Findings.Single(f => f.Key == "foramen");
        var facet = report.Findings.Single(f => f.Key == "facet");
        var foramenIoU = report.Localisation.Single(l => l.Region == "foramen");
        var facetIoU = report.Localisation.Single(l => l.Region == "facet");

        Line(md, $"# Evaluation on {report.Dataset}");
        Line(md, "");
        Line(md, $"{report.Studies} studies, {report.Levels} levels, {report.Slices} slices. Models: {string.Join(", ", report.Models)}.");
        Line(md, "Everything below is computed from the models' own output (ONNX Runtime), as the pipeline runs them; the reference is used only to score.");
        Line(md, "");
        var foramenAsSeen = report.LocalisationAsSeen?.SingleOrDefault(l => l.Region == "foramen");
        var facetAsSeen = report.LocalisationAsSeen?.SingleOrDefault(l => l.Region == "facet");
        Line(md, report.BootstrapReplicates > 0
            ? $"Brackets: 95 % confidence intervals, percentile bootstrap over studies ({report.BootstrapReplicates} replicates)."
            : "No confidence intervals (bootstrap off).");
        Line(md, "");
        Line(md, "| metric | this evaluation | seed paper (Bharadwaj et al. 2023) |");
        Line(md, "| --- | ---: | ---: |");
        Row(md, "Dice, dural sac", report.DiceMeanPerCase.GetValueOrDefault("thecal_sac"), report.DiceIntervals?.GetValueOrDefault("thecal_sac"), paper["dice_thecal_sac"]);
        Row(md, "Dice, disc", report.DiceMeanPerCase.GetValueOrDefault("intervertebral_disc"), report.DiceIntervals?.GetValueOrDefault("intervertebral_disc"), paper["dice_intervertebral_disc"]);
        Row(md, "Localisation IoU, foramen", (foramenAsSeen ?? foramenIoU).MeanIoU, (foramenAsSeen ?? foramenIoU).MeanInterval, paper["iou_foramen"]);
        Row(md, "Localisation IoU, facet", (facetAsSeen ?? facetIoU).MeanIoU, (facetAsSeen ?? facetIoU).MeanInterval, paper["iou_facet"]);
        Row(md, "Central canal, weighted kappa, decision tree", canalTree.LinearWeightedKappa, canalTree.KappaInterval, paper["kappa_central_canal_tree"]);
        Row(md, "Central canal, weighted kappa, CNN", canalCnn.LinearWeightedKappa, canalCnn.KappaInterval, paper["kappa_central_canal_cnn"]);
        Row(md, "Foraminal stenosis, AUROC (moderate or worse)", foramen.AurocModerateOrWorse, foramen.AurocInterval, paper["auroc_foramen"]);
        Row(md, "Facet arthropathy, AUROC (moderate or worse)", facet.AurocModerateOrWorse, facet.AurocInterval, paper["auroc_facet"]);
        Line(md, "");
        Line(md, "The paper's figures are from 200 clinical studies read by radiologists; these are from synthetic phantoms and are not comparable as evidence of clinical performance."
            + (foramenAsSeen is null ? string.Empty : " Localisation is against the box a reader draws around what is visible on the graded slice; the healthy-extent boxes are below."));
        Line(md, "");
        Line(md, "## Segmentation");
        Line(md, "");
        Line(md, "| structure | Dice, mean per case | Dice, pooled pixels |");
        Line(md, "| --- | ---: | ---: |");
        foreach (var (structure, dice) in report.DiceMeanPerCase)
        {
            Line(md, $"| {structure.Replace('_', ' ')} | {F(dice)} | {F(report.DicePooled[structure])} |");
        }

        Line(md, "");
        Line(md, $"Dural sac area measured on the predicted masks: mean absolute error {F(report.DuralSacAreaMeanAbsoluteErrorMm2, "0.0")} mm2. Levels the reference graded but the platform found not assessable (scored as normal with no confidence): {report.LevelsNotMeasurable}.");
        Line(md, "");
        Line(md, "## Localisation");
        Line(md, "");
        Line(md, "| region | reference box | regions | mean IoU | median IoU | found in the masks |");
        Line(md, "| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var l in (report.LocalisationAsSeen ?? []).Concat(report.Localisation))
        {
            Line(md, $"| {l.Region} | {l.Reference} | {l.Regions} | {FI(l.MeanIoU, l.MeanInterval)} | {F(l.MedianIoU)} | {l.LocatedFromMasks} |");
        }

        Line(md, "");
        Line(md, "## Grading");
        Line(md, "");
        Line(md, "| finding | model | cases | weighted kappa | AUROC (moderate or worse) | exact | within one grade | calibration error | RSNA log loss |");
        Line(md, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var f in report.Findings)
        {
            Line(md, $"| {f.Finding} | {f.Model} | {f.Cases} | {FI(f.LinearWeightedKappa, f.KappaInterval)} | {FI(f.AurocModerateOrWorse, f.AurocInterval)} | {FI(f.ExactAgreement, f.ExactInterval)} | {FI(f.WithinOneGrade, f.WithinOneInterval)} | {FI(f.ExpectedCalibrationError, f.CalibrationInterval)} | {FI(f.RsnaLogLoss, f.RsnaInterval)} |");
        }

        Line(md, "");
        Line(md, "Calibration error: expected calibration error of P(moderate or worse) over ten bins (0 is perfect). RSNA log loss: RSNA 2024's sample-weighted log loss, normal and mild merged, weights 1, 2, 4 by reference severity.");
        if (report.Findings.Any(f => f.Readers is not null))
        {
            Line(md, "");
            Line(md, "## Readers: the honest ceiling");
            Line(md, "");
            Line(md, "Linearly weighted kappa between the readers whose majority is the reference, and of the model against each reader: a model cannot be expected to agree with a reader better than readers agree with each other.");
            Line(md, "");
            Line(md, "| finding | model | reader vs reader (mean) | pairs | model vs reader (mean) | per reader |");
            Line(md, "| --- | --- | ---: | --- | ---: | --- |");
            foreach (var f in report.Findings.Where(f => f.Readers is not null))
            {
                var r = f.Readers!;
                Line(md, $"| {f.Finding} | {f.Model} | {FI(r.MeanReaderVsReaderKappa, r.MeanReaderVsReaderInterval)} | {string.Join(", ", r.ReaderVsReaderKappa.Select(k => F(k)))} | {FI(r.MeanModelVsReaderKappa, r.MeanModelVsReaderInterval)} | {string.Join(", ", r.ModelVsReaderKappa.Select(k => F(k)))} |");
            }
        }

        if (report.Rsna is { } rsna)
        {
            Line(md, "");
            Line(md, "## RSNA 2024 metric");
            Line(md, "");
            Line(md, $"Spinal canal {FI(rsna.SpinalCanal, rsna.SpinalCanalInterval)}, neural foramen {FI(rsna.NeuralForamen, rsna.NeuralForamenInterval)}, any severe spinal stenosis {F(rsna.AnySevereSpinal)}; mean of these three terms {F(rsna.MeanOfTheseTerms)}. RSNA's score also has a subarticular stenosis term, which the platform does not grade: the mean is not comparable to the competition's leaderboard.");
        }

        if (report.Assessability is { } a)
        {
            Line(md, "");
            Line(md, $"Levels the reference could not grade (metal artefact): {a.NotAssessableByReference}, of which the platform also refused {a.RefusedAsTheReferenceDid} and graded {a.GradedAlthoughNotAssessable} (not scored). Levels the platform refused although the reference graded them: {a.RefusedAlthoughAssessable} (scored as normal with no confidence).");
        }

        if (report.Breakdown is { Count: > 0 } breakdown)
        {
            Line(md, "");
            Line(md, "## By variant, artefact and acquisition");
            Line(md, "");
            Line(md, "Each finding on the cases that carry a tag (tags with at least 20 findings).");
            Line(md, "");
            Line(md, "| tag | finding | cases | weighted kappa | AUROC | exact |");
            Line(md, "| --- | --- | ---: | ---: | ---: | ---: |");
            foreach (var row in breakdown)
            {
                Line(md, $"| {row.Tag} | {row.Key.Replace('_', ' ')} | {row.Cases} | {F(row.LinearWeightedKappa)} | {F(row.AurocModerateOrWorse)} | {F(row.ExactAgreement)} |");
            }
        }

        foreach (var f in report.Findings)
        {
            Line(md, "");
            Line(md, $"Confusion matrix, {f.Finding}, {f.Model} (rows: reference, columns: predicted):");
            Line(md, "");
            ConfusionMatrix(md, f);
        }

        Line(md, "");
        Line(md, $"Inference inside ONNX Runtime during this run: {F(report.SegmenterMillisecondsPerSlice, "0.0")} ms per slice for the segmenter, {F(report.GraderMillisecondsPerRegion, "0.00")} ms per region for the graders (batched; `spine bench models` measures latency alone).");
        return md.ToString();
    }

    /// <summary>A finding's confusion matrix on its own scale (rows: reference, columns: predicted).</summary>
    public static void ConfusionMatrix(StringBuilder md, FindingScores f)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(f);
        var names = Figures.GradeNames(f.Classes);
        Line(md, "| reference \\ predicted | " + string.Join(" | ", names) + " |");
        Line(md, "| --- |" + string.Concat(names.Select(_ => " ---: |")));
        for (var i = 0; i < f.ConfusionMatrix.Length; i++)
        {
            Line(md, $"| {names[i]} | " + string.Join(" | ", f.ConfusionMatrix[i]) + " |");
        }
    }

    private static void Row(StringBuilder md, string metric, double? value, Interval? interval, double paper) => Line(md, $"| {metric} | {FI(value, interval)}".TrimEnd() + $" | {F(paper, "0.00")} |");

    private static string FI(double? value, Interval? interval) => Figures.WithInterval(value, interval);

    private static string F(double? value, string format = "0.000") => Figures.Format(value, format);

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');
}
