using System.Globalization;
using System.Text;

namespace Spine.Evaluation;

/// <summary>The evaluation as Markdown: the seed paper's results table with this run beside it, then the detail.</summary>
public static class EvaluationMarkdown
{
    private static readonly string[] GradeNames = ["normal", "mild", "moderate", "severe"];

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
        Line(md, "| metric | this evaluation | seed paper (Bharadwaj et al. 2023) |");
        Line(md, "| --- | ---: | ---: |");
        Row(md, "Dice, dural sac", report.DiceMeanPerCase.GetValueOrDefault("thecal_sac"), paper["dice_thecal_sac"]);
        Row(md, "Dice, disc", report.DiceMeanPerCase.GetValueOrDefault("intervertebral_disc"), paper["dice_intervertebral_disc"]);
        Row(md, "Localisation IoU, foramen", foramenIoU.MeanIoU, paper["iou_foramen"]);
        Row(md, "Localisation IoU, facet", facetIoU.MeanIoU, paper["iou_facet"]);
        Row(md, "Central canal, weighted kappa, decision tree", canalTree.LinearWeightedKappa, paper["kappa_central_canal_tree"]);
        Row(md, "Central canal, weighted kappa, CNN", canalCnn.LinearWeightedKappa, paper["kappa_central_canal_cnn"]);
        Row(md, "Foraminal stenosis, AUROC (moderate or worse)", foramen.AurocModerateOrWorse, paper["auroc_foramen"]);
        Row(md, "Facet arthropathy, AUROC (moderate or worse)", facet.AurocModerateOrWorse, paper["auroc_facet"]);
        Line(md, "");
        Line(md, "The paper's figures are from 200 clinical studies read by radiologists; these are from synthetic phantoms and are not comparable as evidence of clinical performance.");
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
        Line(md, $"Dural sac area measured on the predicted masks: mean absolute error {F(report.DuralSacAreaMeanAbsoluteErrorMm2, "0.0")} mm2. Levels without a dural sac on the mid slice (graded normal, no confidence): {report.LevelsNotMeasurable}.");
        Line(md, "");
        Line(md, "## Localisation");
        Line(md, "");
        Line(md, "| region | regions | mean IoU | median IoU | found in the masks |");
        Line(md, "| --- | ---: | ---: | ---: | ---: |");
        foreach (var l in report.Localisation)
        {
            Line(md, $"| {l.Region} | {l.Regions} | {F(l.MeanIoU)} | {F(l.MedianIoU)} | {l.LocatedFromMasks} |");
        }

        Line(md, "");
        Line(md, "## Grading");
        Line(md, "");
        Line(md, "| finding | model | cases | weighted kappa | AUROC (moderate or worse) | exact | within one grade |");
        Line(md, "| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var f in report.Findings)
        {
            Line(md, $"| {f.Finding} | {f.Model} | {f.Cases} | {F(f.LinearWeightedKappa)} | {F(f.AurocModerateOrWorse)} | {F(f.ExactAgreement)} | {F(f.WithinOneGrade)} |");
        }

        foreach (var f in report.Findings)
        {
            Line(md, "");
            Line(md, $"Confusion matrix, {f.Finding}, {f.Model} (rows: reference, columns: predicted):");
            Line(md, "");
            Line(md, "| reference \\ predicted | " + string.Join(" | ", GradeNames) + " |");
            Line(md, "| --- | ---: | ---: | ---: | ---: |");
            for (var i = 0; i < f.ConfusionMatrix.Length; i++)
            {
                Line(md, $"| {GradeNames[i]} | " + string.Join(" | ", f.ConfusionMatrix[i]) + " |");
            }
        }

        Line(md, "");
        Line(md, $"Inference inside ONNX Runtime during this run: {F(report.SegmenterMillisecondsPerSlice, "0.0")} ms per slice for the segmenter, {F(report.GraderMillisecondsPerRegion, "0.00")} ms per region for the graders (batched; `spine bench models` measures latency alone).");
        return md.ToString();
    }

    private static void Row(StringBuilder md, string metric, double? value, double paper) => Line(md, $"| {metric} | {F(value)} | {F(paper, "0.00")} |");

    private static string F(double? value, string format = "0.000") => value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');
}
