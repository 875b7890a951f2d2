using Spine.Analysis.Models;
using System.Security.Cryptography;
using System.Text.Json;
using Spine.Evaluation;
using Spine.Phantom;

namespace Spine.Training;

/// <summary>How a central canal grader did on cases it was not trained on.</summary>
public sealed record GraderEvaluation(int Cases, double LinearWeightedKappa, double? SignificantAuroc, double ExactAgreement, double WithinOneGrade, int[][] ConfusionMatrix);

/// <summary>
/// The seed paper's interpretable central canal grader: a decision tree on the dural sac / disc area ratio and the
/// dural sac area, thresholds learned from a training set's measurements and grades.
/// </summary>
public static class CanalTreeTrainer
{
    public static readonly IReadOnlyList<string> FeatureNames = ["dural sac / disc area ratio", "dural sac area"];
    public static readonly IReadOnlyList<string> FeatureUnits = ["", "mm2"];

    public static double[] Features(LevelTruth level)
    {
        ArgumentNullException.ThrowIfNull(level);
        return [level.DuralSacToDiscAreaRatio, level.DuralSacAreaMm2];
    }

    public static IReadOnlyList<DatasetCase> ReadCases(string datasetFolder) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(datasetFolder, "grades.json")), DatasetJsonContext.Default.IReadOnlyListDatasetCase)
        ?? throw new InvalidDataException($"{datasetFolder}/grades.json is empty.");

    public static DecisionTree Train(IReadOnlyList<DatasetCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return DecisionTree.Train(cases.Select(c => Features(c.Truth)).ToList(), cases.Select(c => c.Truth.Grades.CentralCanal).ToList(), FeatureNames, FeatureUnits);
    }

    public static GraderEvaluation Evaluate(DecisionTree tree, IReadOnlyList<DatasetCase> cases)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(cases);
        var truth = cases.Select(c => c.Truth.Grades.CentralCanal).ToList();
        var probabilities = cases.Select(c => tree.Predict(Features(c.Truth)).Probabilities).ToList();
        var predicted = probabilities.Select(p => p.ToList().IndexOf(p.Max())).ToList();
        var (exact, withinOne) = Metrics.Agreement(truth, predicted);
        var matrix = Metrics.ConfusionMatrix(truth, predicted);
        return new GraderEvaluation(
            cases.Count,
            Math.Round(Metrics.LinearWeightedKappa(truth, predicted), 4),
            Metrics.Auroc(truth.Select(g => g >= 2).ToList(), probabilities.Select(p => p[2] + p[3]).ToList()) is { } auroc ? Math.Round(auroc, 4) : null,
            Math.Round(exact, 4),
            Math.Round(withinOne, 4),
            Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 4).Select(j => matrix[i, j]).ToArray()).ToArray());
    }

    /// <summary>Writes tree.json and model.json into <paramref name="folder"/>.</summary>
    public static ModelManifest Write(DecisionTree tree, string folder, string version, string trainingData, GraderEvaluation? evaluation)
    {
        Directory.CreateDirectory(folder);
        var json = JsonSerializer.SerializeToUtf8Bytes(tree, DecisionTreeJsonContext.Default.DecisionTree);
        File.WriteAllBytes(Path.Combine(folder, "tree.json"), json);
        var metrics = new Dictionary<string, double>();
        if (evaluation is not null)
        {
            metrics["linear_weighted_kappa"] = evaluation.LinearWeightedKappa;
            metrics["exact_agreement"] = evaluation.ExactAgreement;
            if (evaluation.SignificantAuroc is { } auroc)
            {
                metrics["auroc_moderate_or_worse"] = auroc;
            }
        }

        var manifest = new ModelManifest
        {
            Name = "central-canal-decision-tree",
            Version = version,
            Task = ModelTasks.CentralCanalTree,
            File = "tree.json",
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(json)),
            Features = FeatureNames.Zip(FeatureUnits, (name, unit) => new ModelFeature(name, unit)).ToList(),
            TrainingData = trainingData,
            IntendedUse = "Research and testing of the Spine Platform pipeline. Thresholds learned on synthetic phantoms only; not clinically validated; not for clinical use.",
            Metrics = metrics,
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(manifest, ModelJsonContext.Default.ModelManifest));
        return manifest;
    }
}
