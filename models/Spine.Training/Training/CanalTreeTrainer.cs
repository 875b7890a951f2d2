using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Evaluation;
using Spine.Phantom;

namespace Spine.Training;

/// <summary>How a central canal grader did on cases it was not trained on.</summary>
public sealed record GraderEvaluation(int Cases, double LinearWeightedKappa, double? SignificantAuroc, double ExactAgreement, double WithinOneGrade, int[][] ConfusionMatrix);

/// <summary>One configuration of the central canal tree and how it did in cross-validation on the training studies.</summary>
public sealed record TreeChoice(IReadOnlyList<string> Features, int MaxDepth, int MinSamplesLeaf, double Smoothing, double CrossValidatedKappa, double CrossValidatedLogLoss)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{string.Join(" + ", Features)}, depth {MaxDepth}, at least {MinSamplesLeaf} per leaf, smoothing {Smoothing}: cross-validated kappa {CrossValidatedKappa:0.000}, log loss {CrossValidatedLogLoss:0.000}");
}

/// <summary>One training level: its reference grade and what the reference masks measure, as inference measures the predicted ones.</summary>
public sealed record MeasuredCase(DatasetCase Case, LevelMeasurements Measurements);

/// <summary>
/// The seed paper's interpretable central canal grader: a decision tree on measurements of the segmentation. Which
/// measurements it uses (of the companion study's: dural sac / disc cross-sectional area ratio, sac / disc AP-diameter
/// ratio, sac area, sac AP diameter), how deep it grows and how its leaves are smoothed are chosen by five-fold
/// cross-validation over the training studies (folds by study), for the best linearly weighted kappa; ties within
/// 0.005 go to fewer features, then the shallower tree, then the lower log loss. Nothing is chosen by hand.
/// </summary>
public static class CanalTreeTrainer
{
    private const int Folds = 5;
    private static readonly int[] Depths = [1, 2, 3, 4];
    private static readonly int[] LeafSizes = [5, 10, 20];
    private static readonly double[] Smoothings = [0.5, 1, 2];

    public static IReadOnlyList<DatasetCase> ReadCases(string datasetFolder) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(datasetFolder, "grades.json")), DatasetJsonContext.Default.IReadOnlyListDatasetCase)
        ?? throw new InvalidDataException($"{datasetFolder}/grades.json is empty.");

    /// <summary>
    /// Measures every level the reference could grade on its reference label map, on the models' grid and on the slice
    /// the rules choose (the most disc), exactly as the pipeline measures a predicted label map.
    /// </summary>
    public static IReadOnlyList<MeasuredCase> Measure(string datasetFolder)
    {
        var measured = new List<MeasuredCase>();
        foreach (var item in ReadCases(datasetFolder).Where(c => c.Truth.Assessable))
        {
            var (_, labels, _) = DatasetSlabs.Read(datasetFolder, item.Case, SliceSet.SpacingMm);
            try
            {
                var mid = LabelSlice.MidDiscSlice(labels, v => (byte)v);
                var slice = LabelSlice.Of(labels, mid, v => (byte)v);
                measured.Add(new MeasuredCase(item, LevelMeasurements.Of(slice, AnatomicalFrame.Of(slice))));
            }
            catch (AnatomyNotFoundException)
            {
                // A level whose reference masks hold no sac on the disc's slice has nothing to measure.
            }
        }

        return measured;
    }

    /// <summary>Chooses the configuration by cross-validation, then fits it on every case.</summary>
    public static (DecisionTree Tree, TreeChoice Choice, IReadOnlyList<TreeChoice> Candidates) Train(IReadOnlyList<MeasuredCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var candidates = LevelMeasurements.CentralCanalCandidates.Select(c => c.Name).ToList();
        var subsets = Enumerable.Range(1, (1 << candidates.Count) - 1)
            .Select(mask => candidates.Where((_, i) => (mask & (1 << i)) != 0).ToList())
            .ToList();
        var studies = cases.Select(c => c.Case.Seed).Distinct().Order().ToList();
        var foldOf = studies.Select((seed, i) => (seed, fold: i % Folds)).ToDictionary(s => s.seed, s => s.fold);
        var choices = new List<TreeChoice>();
        foreach (var features in subsets)
        {
            foreach (var depth in Depths)
            {
                foreach (var leaf in LeafSizes)
                {
                    foreach (var smoothing in Smoothings)
                    {
                        var held = new List<(int Truth, IReadOnlyList<double> Probabilities)>();
                        for (var fold = 0; fold < Folds; fold++)
                        {
                            var train = cases.Where(c => foldOf[c.Case.Seed] != fold).ToList();
                            var test = cases.Where(c => foldOf[c.Case.Seed] == fold).ToList();
                            if (train.Count == 0 || test.Count == 0)
                            {
                                continue;
                            }

                            var tree = Fit(train, features, depth, leaf, smoothing);
                            held.AddRange(test.Select(c => (c.Case.Truth.Grades.CentralCanal, tree.Predict(c.Measurements.Features(features)).Probabilities)));
                        }

                        var predicted = held.Select(h => h.Probabilities.ToList().IndexOf(h.Probabilities.Max())).ToList();
                        var kappa = Metrics.LinearWeightedKappa([.. held.Select(h => h.Truth)], predicted);
                        var logLoss = held.Average(h => -Math.Log(Math.Max(1e-9, h.Probabilities[h.Truth])));
                        choices.Add(new TreeChoice(features, depth, leaf, smoothing, Math.Round(kappa, 4), Math.Round(logLoss, 4)));
                    }
                }
            }
        }

        var bestKappa = choices.Max(c => c.CrossValidatedKappa);
        var choice = choices.Where(c => c.CrossValidatedKappa >= bestKappa - 0.005)
            .OrderBy(c => c.Features.Count).ThenBy(c => c.MaxDepth).ThenBy(c => c.CrossValidatedLogLoss)
            .First();
        return (Fit(cases, choice.Features, choice.MaxDepth, choice.MinSamplesLeaf, choice.Smoothing), choice, choices);
    }

    private static DecisionTree Fit(IReadOnlyList<MeasuredCase> cases, IReadOnlyList<string> features, int depth, int leaf, double smoothing)
    {
        var units = features.Select(f => LevelMeasurements.CentralCanalCandidates.Single(c => c.Name == f).Unit).ToList();
        return DecisionTree.Train([.. cases.Select(c => c.Measurements.Features(features))], [.. cases.Select(c => c.Case.Truth.Grades.CentralCanal)],
            features, units, maxDepth: depth, minSamplesLeaf: leaf, smoothing: smoothing);
    }

    public static GraderEvaluation Evaluate(DecisionTree tree, IReadOnlyList<MeasuredCase> cases)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(cases);
        var truth = cases.Select(c => c.Case.Truth.Grades.CentralCanal).ToList();
        var probabilities = cases.Select(c => tree.Predict(c.Measurements.Features(tree.FeatureNames)).Probabilities).ToList();
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
        ArgumentNullException.ThrowIfNull(tree);
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
            Features = tree.FeatureNames.Zip(tree.FeatureUnits, (name, unit) => new ModelFeature(name, unit)).ToList(),
            TrainingData = trainingData,
            IntendedUse = "Research and testing of the Spine Platform pipeline. Thresholds learned on synthetic phantoms only; not clinically validated; not for clinical use.",
            Metrics = metrics,
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(manifest, ModelJsonContext.Default.ModelManifest));
        return manifest;
    }
}
