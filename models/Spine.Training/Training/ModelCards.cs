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
    public static IReadOnlyDictionary<string, double> MetricsFor(string task, EvaluationReport report)
    {
        FindingScores Finding(string key) => report.Findings.Single(f => f.Key == key);
        var metrics = new Dictionary<string, double>();
        void AddFinding(FindingScores f)
        {
            metrics["linear_weighted_kappa"] = f.LinearWeightedKappa;
            metrics["exact_agreement"] = f.ExactAgreement;
            metrics["within_one_grade"] = f.WithinOneGrade;
            if (f.AurocModerateOrWorse is { } auroc)
            {
                metrics["auroc_moderate_or_worse"] = auroc;
            }
        }

        switch (task)
        {
            case ModelTasks.Segmentation:
                foreach (var (structure, dice) in report.DiceMeanPerCase)
                {
                    metrics[$"dice_{structure}"] = dice;
                }

                break;
            case ModelTasks.CentralCanalCnn:
                AddFinding(Finding("central_canal_cnn"));
                break;
            case ModelTasks.CentralCanalTree:
                AddFinding(Finding("central_canal_tree"));
                if (report.DuralSacAreaMeanAbsoluteErrorMm2 is { } sacError)
                {
                    metrics["dural_sac_area_mean_absolute_error_mm2"] = sacError;
                }

                break;
            case ModelTasks.Foramen:
                AddFinding(Finding("foramen"));
                metrics["localisation_iou"] = report.Localisation.Single(l => l.Region == "foramen").MeanIoU;
                break;
            case ModelTasks.Facet:
                AddFinding(Finding("facet"));
                metrics["localisation_iou"] = report.Localisation.Single(l => l.Region == "facet").MeanIoU;
                break;
        }

        return metrics;
    }

    public static void Write(string modelFolder, ModelCardText text, EvaluationReport report, EvaluationReport? stress, string evaluationCommand)
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
        Line(md, $"By `{evaluationCommand}`, on {report.Studies} synthetic studies ({report.Levels} levels) from seeds never used in training, every model run by ONNX Runtime as the pipeline runs it (the segmenter's masks feed the measurements, the rules and the graders). This model's figures:");
        Line(md, "");
        var stressMetrics = stress is null ? null : MetricsFor(manifest.Task, stress);
        Line(md, stressMetrics is null ? "| metric | value |" : "| metric | test studies | stress test (4x noise, 2x bias field) |");
        Line(md, stressMetrics is null ? "| --- | ---: |" : "| --- | ---: | ---: |");
        foreach (var (metric, value) in manifest.Metrics)
        {
            var stressValue = stressMetrics is null ? string.Empty
                : stressMetrics.TryGetValue(metric, out var v) ? string.Create(CultureInfo.InvariantCulture, $" {v:0.000} |") : " n/a |";
            Line(md, string.Create(CultureInfo.InvariantCulture, $"| {metric.Replace('_', ' ')} | {value:0.000} |{stressValue}"));
        }

        Line(md, "");
        Line(md, "The whole table, beside the seed paper's figures, is in [models/EVALUATION.md](../../EVALUATION.md)" + (stress is null ? "." : $"; the stress test ({stress.Studies} studies with 10 % noise and a 30 % bias field, the top of the training range) in [models/EVALUATION-stress.md](../../EVALUATION-stress.md)."));
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
