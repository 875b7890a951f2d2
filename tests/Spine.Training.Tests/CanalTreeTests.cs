using System.Text.Json.Nodes;
using Spine.Phantom;

namespace Spine.Training.Tests;

public sealed class CanalTreeTests
{
    [Fact]
    public void Tree_learned_on_phantom_measurements_grades_unseen_studies_and_writes_its_model_folder()
    {
        var root = Directory.CreateTempSubdirectory("spine-tree-").FullName;
        try
        {
            var training = PhantomDataset.Write(Path.Combine(root, "train"), studies: 8, seed: 4000);
            var test = PhantomDataset.Write(Path.Combine(root, "test"), studies: 4, seed: 8000);

            var tree = CanalTreeTrainer.Train(CanalTreeTrainer.ReadCases(Path.Combine(root, "train")));
            var evaluation = CanalTreeTrainer.Evaluate(tree, CanalTreeTrainer.ReadCases(Path.Combine(root, "test")));
            var manifest = CanalTreeTrainer.Write(tree, Path.Combine(root, "model"), "test", "test data", evaluation);

            Assert.Equal(40, training.Count);
            Assert.Equal(20, evaluation.Cases);
            Assert.True(evaluation.LinearWeightedKappa >= 0.8, $"weighted kappa {evaluation.LinearWeightedKappa}");
            Assert.Equal(20, evaluation.ConfusionMatrix.Sum(row => row.Sum()));
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
