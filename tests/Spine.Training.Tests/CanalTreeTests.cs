using System.Text.Json.Nodes;
using Spine.Phantom;

namespace Spine.Training.Tests;

public sealed class CanalTreeTests
{
    [Fact]
    public void Tree_chosen_by_cross_validation_on_phantom_measurements_grades_unseen_studies_and_writes_its_model_folder()
    {
        var root = Directory.CreateTempSubdirectory("spine-tree-").FullName;
        try
        {
            var written = PhantomDataset.Write(Path.Combine(root, "train"), studies: 16, seed: 4000);
            PhantomDataset.Write(Path.Combine(root, "test"), studies: 6, seed: 8000);

            var training = CanalTreeTrainer.Measure(Path.Combine(root, "train"));
            var (tree, choice, candidates) = CanalTreeTrainer.Train(training);
            var evaluation = CanalTreeTrainer.Evaluate(tree, CanalTreeTrainer.Measure(Path.Combine(root, "test")));
            var manifest = CanalTreeTrainer.Write(tree, Path.Combine(root, "model"), "test", "test data", evaluation);

            Assert.Equal(written.Count, training.Count);
            Assert.Equal(30, evaluation.Cases);

            // Every subset of the four candidate features at every depth, leaf size and smoothing was tried; the one
            // taken has the best cross-validated kappa, within the tie margin, and is what the tree uses.
            Assert.Equal(15 * 4 * 3 * 3, candidates.Count);
            Assert.True(choice.CrossValidatedKappa >= candidates.Max(c => c.CrossValidatedKappa) - 0.005);
            Assert.Equal(choice.Features, tree.FeatureNames);
            Assert.True(evaluation.LinearWeightedKappa >= 0.6, $"weighted kappa {evaluation.LinearWeightedKappa} on unseen studies ({choice})");
            Assert.Equal(30, evaluation.ConfusionMatrix.Sum(row => row.Sum()));
            var model = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "model", "model.json")))!;
            Assert.Equal("central-canal-decision-tree", model["name"]!.GetValue<string>());
            Assert.Equal(manifest.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(root, "model", "tree.json")))));
            Assert.Contains("synthetic", model["intendedUse"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
