using Spine.Testing;

namespace Spine.Cli.Tests;

public sealed class AnalyzeCommandTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _root = Directory.CreateTempSubdirectory("spine-demo-").FullName;

    [Fact]
    public async Task Demo_analyses_a_phantom_study_with_all_six_services_and_writes_its_report()
    {
        await using var spine = await SpineProcess.RunAsync(["demo", "--out", _root, "--models", Path.Combine(RepositoryLayout.Root, "models")], Limit);

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

    [Fact]
    public async Task Analyze_refuses_a_folder_that_does_not_exist()
    {
        await using var spine = await SpineProcess.RunAsync(["analyze", Path.Combine(_root, "nowhere"), "--out", _root], TimeSpan.FromMinutes(1));

        Assert.Equal(2, spine.ExitCode);
        Assert.Contains("nowhere", spine.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
