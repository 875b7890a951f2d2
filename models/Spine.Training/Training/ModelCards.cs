using System.Globalization;
using System.Text;
using System.Text.Json;
using Spine.Evaluation;
using Spine.Analysis.Models;

namespace Spine.Training;

/// <summary>What a model card says that the manifest and the evaluation do not: what the model is and how it was trained.</summary>
internal sealed record ModelCardText(string WhatItIs, string Training, string Retraining);

/// <summary>
/// Writes each model's evaluation into its model.json (metrics) and MODEL_CARD.md, from one <c>spine evaluate</c>
/// report, so that the cards carry the numbers the command gives and nothing else.
/// </summary>
internal static class ModelCards
{
    /// <summary>The figures of a model's task in an evaluation, each with its 95 % interval where the report has one.</summary>
    public static IReadOnlyList<(string Metric, double Value, Interval? Interval)> FiguresFor(string task, EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        FindingScores Finding(string key) => report.Findings.Single(f => f.Key == key);
        var figures = new List<(string, double, Interval?)>();
        void AddFinding(FindingScores f)
        {
            figures.Add(("linear_weighted_kappa", f.LinearWeightedKappa, f.KappaInterval));
            figures.Add(("exact_agreement", f.ExactAgreement, f.ExactInterval));
            figures.Add(("within_one_grade", f.WithinOneGrade, f.WithinOneInterval));
            if (f.AurocModerateOrWorse is { } auroc)
            {
                figures.Add(("auroc_moderate_or_worse", auroc, f.AurocInterval));
            }

            if (f.ExpectedCalibrationError is { } ece)
            {
                figures.Add(("expected_calibration_error", ece, f.CalibrationInterval));
            }

            if (f.Readers is { } readers)
            {
                figures.Add(("kappa_reader_vs_reader", readers.MeanReaderVsReaderKappa, readers.MeanReaderVsReaderInterval));
            }
        }

        void AddLocalisation(string region)
        {
            var asSeen = report.LocalisationAsSeen?.SingleOrDefault(l => l.Region == region);
            var healthy = report.Localisation.Single(l => l.Region == region);
            figures.Add(("localisation_iou", (asSeen ?? healthy).MeanIoU, (asSeen ?? healthy).MeanInterval));
        }

        switch (task)
        {
            case ModelTasks.Segmentation:
                foreach (var (structure, dice) in report.DiceMeanPerCase)
                {
                    figures.Add(($"dice_{structure}", dice, report.DiceIntervals?.GetValueOrDefault(structure)));
                }

                break;
            case ModelTasks.CentralCanalCnn:
                AddFinding(Finding("central_canal_cnn"));
                break;
            case ModelTasks.CentralCanalTree:
                AddFinding(Finding("central_canal_tree"));
                if (report.DuralSacAreaMeanAbsoluteErrorMm2 is { } sacError)
                {
                    figures.Add(("dural_sac_area_mean_absolute_error_mm2", sacError, null));
                }

                break;
            case ModelTasks.Foramen:
                AddFinding(Finding("foramen"));
                AddLocalisation("foramen");
                break;
            case ModelTasks.Facet:
                AddFinding(Finding("facet"));
                AddLocalisation("facet");
                break;
        }

        return figures;
    }

    public static IReadOnlyDictionary<string, double> MetricsFor(string task, EvaluationReport report) =>
        FiguresFor(task, report).ToDictionary(f => f.Metric, f => f.Value);

    public static void Write(string modelFolder, ModelCardText text, EvaluationReport report, EvaluationReport? standard, string evaluationCommand)
    {
        var manifestPath = Path.Combine(modelFolder, "model.json");
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(manifestPath), ModelJsonContext.Default.ModelManifest)!;
        manifest = manifest with { Metrics = MetricsFor(manifest.Task, report) };
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, ModelJsonContext.Default.ModelManifest));

        var size = new FileInfo(Path.Combine(modelFolder, manifest.File)).Length;
        var md = new StringBuilder();
        Line(md, $"# {manifest.Name} {manifest.Version}");
        Line(md, "");
        Line(md, "**Trained on synthetic phantoms only. Not clinically validated. Not for clinical use.**");
        Line(md, "");
        Line(md, "## What it is");
        Line(md, text.WhatItIs);
        Line(md, "");
        Line(md, string.Create(CultureInfo.InvariantCulture, $"File `{manifest.File}`, {size / 1024.0:0} KB, SHA-256 `{manifest.Sha256}` (recorded in model.json and checked whenever the platform loads it)."));
        Line(md, "");
        Line(md, "## Intended use");
        Line(md, manifest.IntendedUse);
        Line(md, "");
        Line(md, "## Training");
        Line(md, text.Training);
        Line(md, "");
        Line(md, $"Training data: {manifest.TrainingData}");
        Line(md, "");
        Line(md, "## Evaluation");
        Line(md, $"By `{evaluationCommand}`, on {report.Studies} synthetic studies ({report.Levels} levels) from seeds never used in training, every model run by ONNX Runtime as the pipeline runs it (the segmenter's masks feed the measurements, the rules and the graders). The reference grade of each finding is the majority of three simulated readers, whose agreement with each other is the ceiling a grader can reach. This model's figures, with 95 % bootstrap intervals over studies:");
        Line(md, "");
        static string Figure(double value, Interval? interval) => interval is null
            ? value.ToString("0.000", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.000} [{interval.Low:0.000}, {interval.High:0.000}]");
        var standardFigures = standard is null ? null : FiguresFor(manifest.Task, standard).ToDictionary(f => f.Metric);
        Line(md, standardFigures is null ? "| metric | value |" : "| metric | hard profile | standard profile |");
        Line(md, standardFigures is null ? "| --- | ---: |" : "| --- | ---: | ---: |");
        foreach (var (metric, value, interval) in FiguresFor(manifest.Task, report))
        {
            var standardValue = standardFigures is null ? string.Empty
                : standardFigures.TryGetValue(metric, out var other) ? $" {Figure(other.Value, other.Interval)} |" : " n/a |";
            Line(md, $"| {metric.Replace('_', ' ')} | {Figure(value, interval)} |{standardValue}");
        }

        Line(md, "");
        Line(md, "The whole table, beside the seed paper's figures, is in [models/EVALUATION.md](../../EVALUATION.md)" + (standard is null ? "." : $"; the same on {standard.Studies} typical clinical studies (standard profile) in [models/EVALUATION-standard.md](../../EVALUATION-standard.md)."));
        Line(md, "");
        Line(md, "## Limitations");
        Line(md, "The phantom is schematic (ellipses and capsules drawn from published adult dimensions; docs/phantom.md): these figures show that the model learned the phantom's anatomy and grading signs, not that it would read real MRI. Real studies differ in anatomy, contrast, artefacts, scanners and in how radiologists grade borderline cases; the seed paper's figures come from 200 clinical studies and are the realistic expectation for a model trained on real data. Training is not bit-reproducible across runs (libtorch's multi-threaded reductions); figures vary slightly between retrainings.");
        Line(md, "");
        Line(md, "## Retraining on hospital data");
        Line(md, text.Retraining);
        File.WriteAllText(Path.Combine(modelFolder, "MODEL_CARD.md"), md.ToString());
    }

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');
}
