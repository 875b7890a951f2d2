using System.Text.Json.Nodes;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests;

public sealed class EvaluateCommandTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string _root = Directory.CreateTempSubdirectory("spine-evaluate-").FullName;

    private static string Models => Path.Combine(RepositoryLayout.Root, "models");

    [Fact]
    public async Task Evaluate_writes_the_papers_table_for_the_reference_models_on_an_unseen_study()
    {
        var dataset = Path.Combine(_root, "data");
        PhantomDataset.Write(dataset, studies: 1, seed: 777001);

        await using var spine = await SpineProcess.RunAsync(["evaluate", "--dataset", dataset, "--models", Models, "--out", Path.Combine(_root, "eval")], Limit);

        Assert.True(spine.ExitCode == 0, spine.StandardError);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "eval", "evaluation.json")))!;
        Assert.Equal(5, report["levels"]!.GetValue<int>());
        Assert.True(report["diceMeanPerCase"]!["thecal_sac"]!.GetValue<double>() > 0.9);
        var findings = report["findings"]!.AsArray();
        Assert.Equal(["central_canal_cnn", "central_canal_tree", "foramen", "facet"], findings.Select(f => f!["key"]!.GetValue<string>()));
        Assert.Equal(10, findings.Single(f => f!["key"]!.GetValue<string>() == "facet")!["cases"]!.GetValue<int>());
        var markdown = await File.ReadAllTextAsync(Path.Combine(_root, "eval", "evaluation.md"));
        Assert.Contains("| Dice, dural sac |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Central canal, weighted kappa, decision tree |", markdown, StringComparison.Ordinal);
        Assert.Contains("seed paper", spine.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_names_the_task_no_model_serves()
    {
        var models = Path.Combine(_root, "models");
        var segmenter = Path.Combine(models, "spine-vnet-segmenter", "0.1.0");
        Directory.CreateDirectory(segmenter);
        foreach (var file in new[] { "model.json", "model.onnx" })
        {
            File.Copy(Path.Combine(Models, "spine-vnet-segmenter", "0.1.0", file), Path.Combine(segmenter, file));
        }

        PhantomDataset.Write(Path.Combine(_root, "data"), studies: 1, seed: 777002);
        await using var spine = await SpineProcess.RunAsync(["evaluate", "--dataset", Path.Combine(_root, "data"), "--models", models], Limit);

        Assert.Equal(3, spine.ExitCode);
        Assert.Contains("no model for task 'central-canal-tree'", Assert.Single(spine.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
