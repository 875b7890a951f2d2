using Spine.Testing;

namespace Spine.Cli.Tests;

public sealed class AnalyzeCommandTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _root = Directory.CreateTempSubdirectory("spine-demo-").FullName;

    [Fact]
    public async Task Demo_analyses_a_phantom_study_with_all_six_services_and_the_models_shipped_beside_spine_and_writes_its_report()
    {
        await using var spine = await SpineProcess.RunAsync(["demo", "--out", _root], Limit);

        Assert.True(spine.ExitCode == 0, spine.StandardOutput + spine.StandardError);
        foreach (var level in new[] { "L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1" })
        {
            Assert.Matches($@"(?m)^{level}\s+(normal|mild|moderate|severe) ", spine.StandardOutput);
        }

        Assert.Contains("Not for clinical use.", spine.StandardOutput, StringComparison.Ordinal);
        // One folder per study beside the phantom and the embedded store (.spine).
        var study = Directory.EnumerateDirectories(_root).Select(Path.GetFileName).Single(name => name is not ".spine" and not "phantom-study");
        Assert.Contains("<h2>Summary</h2>", await File.ReadAllTextAsync(Path.Combine(_root, study!, "report.html")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, study!, "report.json")));
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("analyze")]
    [InlineData("evaluate")]
    [InlineData("bench pipeline")]
    public async Task A_command_without_its_models_prints_one_line_naming_the_folder_and_how_to_fix_it(string command)
    {
        var missing = Path.Combine(_root, "models-renamed");
        var output = Path.Combine(_root, "out");
        string[] arguments = command switch
        {
            "analyze" => ["analyze", _root, "--out", output],
            "evaluate" => ["evaluate", "--dataset", _root, "--out", output],
            "demo" => ["demo", "--out", output],
            _ => command.Split(' '),
        };

        await using var spine = await SpineProcess.RunAsync([.. arguments, "--models", missing], TimeSpan.FromMinutes(1));

        Assert.Equal(3, spine.ExitCode);
        var line = Assert.Single(spine.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(missing, line, StringComparison.Ordinal);
        Assert.Contains("--models", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), "nothing is written before the models are found");
    }

    [Fact]
    public async Task Analyze_with_json_writes_one_json_document_for_machines_and_draws_no_progress_bar_when_not_on_a_terminal()
    {
        var study = Path.Combine(_root, "study");
        Phantom.PhantomWriter.WriteStudy(Phantom.PhantomGenerator.Generate(new Phantom.PhantomOptions { Seed = 828282, Distractors = false }), study);
        await File.WriteAllTextAsync(Path.Combine(study, "dicom", "notes.txt"), "not an image");

        await using var spine = await SpineProcess.RunAsync(["analyze", Path.Combine(study, "dicom"), "--out", Path.Combine(_root, "out"), "--json"], Limit);

        Assert.True(spine.ExitCode == 0, spine.StandardOutput + spine.StandardError);
        var document = System.Text.Json.Nodes.JsonNode.Parse(spine.StandardOutput)!; // nothing but the document on standard output
        var result = Assert.Single(document["studies"]!.AsArray())!;
        Assert.Equal("reported", result["status"]!.GetValue<string>());
        Assert.Equal(5, result["report"]!["levels"]!.AsArray().Count);
        Assert.True(File.Exists(result["reportJson"]!.GetValue<string>()));
        Assert.Equal("notes.txt", Assert.Single(document["skippedFiles"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.DoesNotContain('\u001b', spine.StandardError); // standard error is a pipe here: no bar, no terminal codes
    }

    [Fact]
    public async Task Analyze_refuses_a_folder_that_does_not_exist()
    {
        await using var spine = await SpineProcess.RunAsync(["analyze", Path.Combine(_root, "nowhere"), "--out", _root], TimeSpan.FromMinutes(1));

        Assert.Equal(2, spine.ExitCode);
        Assert.Contains("nowhere", spine.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
