using System.Text.Json;
using Spine.Evaluation;
using Spine.Analysis.Models;
using Spine.Training.Commands;

namespace Spine.Training.Tests;

/// <summary>
/// The smoke version of retraining every reference model: the same command as the 60-minute run, on four studies
/// and a few steps, through dataset generation, training, ONNX export, evaluation and the model cards.
/// </summary>
public sealed class RetrainAllTests
{
    [Fact]
    public void Retraining_all_models_writes_five_loadable_model_folders_with_cards_carrying_the_evaluation()
    {
        var root = Directory.CreateTempSubdirectory("spine-retrain-").FullName;
        try
        {
            var models = Path.Combine(root, "models");
            var plan = new RetrainAllCommand.Plan(models, Path.Combine(root, "work"), TrainStudies: 2, TestStudies: 1, TrainSeed: 500, TestSeed: 600,
                Version: "0.0.1", SegmenterSteps: 6, GraderSteps: 4, Threads: 2, StandardStudies: 1, StandardSeed: 700);

            Assert.Equal(0, RetrainAllCommand.Run(plan));

            using var set = ModelSet.Load(models);
            Assert.Equal(5, set.All.Count());
            Assert.All(set.All, m => Assert.Equal("0.0.1", m.Manifest.Version));
            var report = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(models, "evaluation.json")), EvaluationReportJsonContext.Default.EvaluationReport)!;
            Assert.Equal(report.Levels * 2, report.Findings.Single(f => f.Key == "foramen").Cases + (report.Assessability!.NotAssessableByReference * 2));
            Assert.Equal(4, report.Findings.Count);
            foreach (var model in set.All)
            {
                Assert.NotEmpty(model.Manifest.Metrics);
                var card = File.ReadAllText(Path.Combine(model.Path, "MODEL_CARD.md"));
                Assert.Contains("Not for clinical use", card, StringComparison.Ordinal);
                var (metric, value) = model.Manifest.Metrics.First();
                Assert.Contains($"| {metric.Replace('_', ' ')} | {value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}", card, StringComparison.Ordinal);
            }

            Assert.Contains("seed paper", File.ReadAllText(Path.Combine(models, "EVALUATION.md")), StringComparison.Ordinal);
            Assert.StartsWith("# Typical clinical studies", File.ReadAllText(Path.Combine(models, "EVALUATION-standard.md")), StringComparison.Ordinal);
            Assert.Contains("| hard profile | standard profile |", File.ReadAllText(Path.Combine(models, "spine-bit-facet", "0.0.1", "MODEL_CARD.md")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(models, "reliability-foramen.png")));
            Assert.Contains("\"validationKappa\"", File.ReadAllText(Path.Combine(models, "spine-bit-foramen", "0.0.1", "training-log.jsonl")), StringComparison.Ordinal);
            Assert.Contains("\"thecal_sac\"", File.ReadAllText(Path.Combine(models, "spine-vnet-segmenter", "0.0.1", "training-log.jsonl")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Test_seeds_overlapping_the_training_seeds_are_refused()
    {
        var plan = new RetrainAllCommand.Plan("unused", "unused", TrainStudies: 10, TestStudies: 5, TrainSeed: 100, TestSeed: 105, Version: "0", SegmenterSteps: 1, GraderSteps: 1, Threads: 1);

        Assert.Equal(2, RetrainAllCommand.Run(plan));
        Assert.Equal(2, RetrainAllCommand.Run(plan with { TestSeed = 200, StandardSeed = 108 }));
        Assert.False(Directory.Exists("unused"));
    }
}
