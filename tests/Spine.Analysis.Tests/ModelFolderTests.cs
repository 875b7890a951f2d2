using Spine.Analysis.Models;
using Spine.Testing;

namespace Spine.Analysis.Tests;

public sealed class ModelFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spine-models-").FullName;

    private static string Manifest(string version, string sha256) => $$"""
        { "name": "m", "version": "{{version}}", "task": "central-canal-tree", "file": "tree.json", "sha256": "{{sha256}}",
          "trainingData": "test", "intendedUse": "test" }
        """;

    private string Write(string version, string content, string? recordedSha = null)
    {
        var folder = Path.Combine(_root, "m", version);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tree.json"), content);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
        File.WriteAllText(Path.Combine(folder, "model.json"), Manifest(version, recordedSha ?? sha));
        return folder;
    }

    [Fact]
    public void A_changed_model_file_is_refused_naming_the_file_and_both_hashes()
    {
        var folder = Write("1.0.0", "{}", recordedSha: new string('a', 64));

        var ex = Assert.Throws<ModelFolderException>(() => ModelFolder.Load(folder));
        Assert.Contains("tree.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(new string('a', 64), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_newest_version_of_a_task_is_chosen_by_version_order_not_by_name()
    {
        Write("0.9.0", "{\"v\":9}");
        Write("0.10.0", "{\"v\":10}");

        var chosen = ModelFolder.FindLatest(_root, ModelTasks.CentralCanalTree);
        Assert.Equal("0.10.0", chosen!.Manifest.Version);
        Assert.Null(ModelFolder.FindLatest(_root, ModelTasks.Segmentation));
    }

    [Fact]
    public void Every_committed_reference_model_matches_its_recorded_hash_and_is_under_10_mb()
    {
        var manifests = Directory.EnumerateFiles(Path.Combine(RepositoryLayout.Root, "models"), "model.json", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(manifests.Count >= 5, $"{manifests.Count} model folders");
        foreach (var manifest in manifests)
        {
            var model = ModelFolder.Load(Path.GetDirectoryName(manifest)!);
            Assert.True(model.Content.Length < 10 * 1024 * 1024, $"{model.Manifest.Name}: {model.Content.Length} bytes");
            Assert.Contains("not for clinical use", model.Manifest.IntendedUse, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(model.Path, "MODEL_CARD.md")), $"{model.Path} has no MODEL_CARD.md");
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
