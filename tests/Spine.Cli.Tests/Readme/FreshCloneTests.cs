using System.Text.Json;
using Spine.Contracts.V1;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests.Readme;

/// <summary>
/// The README's first set-up command, taken from the README as text, run verbatim at the root of a fresh clone; and
/// the published spine run from elsewhere. Slow (each builds the CLI from nothing), so they run with the other
/// integration tests, one class at a time.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class FreshCloneTests(FreshClone clone) : IClassFixture<FreshClone>
{
    private static readonly TimeSpan BuildAndRun = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Readme_first_setup_command_run_verbatim_in_a_fresh_clone_writes_the_report_and_grades_the_demo_study_as_the_readme_says()
    {
        var command = ReadmeSetup.Commands()[0];

        var (exitCode, output) = await FreshClone.ShellAsync(command, clone.Root, BuildAndRun);

        Assert.True(exitCode == 0, $"`{command}` exited with {exitCode}:\n{output}");
        AssertDemoReportMatchesGroundTruth(Path.Combine(clone.Root, "spine-demo"));
    }

    [Fact]
    public async Task Published_spine_started_from_another_folder_finds_its_models_and_without_them_says_so_in_one_line()
    {
        var published = Path.Combine(clone.Root, "published");
        var (publishExit, publishOutput) = await FreshClone.ShellAsync($"dotnet publish spine-platform/Spine.Cli -c Release -o {published} -nologo", clone.Root, BuildAndRun);
        Assert.True(publishExit == 0, publishOutput);
        var elsewhere = Directory.CreateTempSubdirectory("spine-elsewhere-").FullName;
        try
        {
            var (exitCode, output) = await FreshClone.ShellAsync($"{Path.Combine(published, "spine")} demo", elsewhere, BuildAndRun);
            Assert.True(exitCode == 0, output);
            AssertDemoReportMatchesGroundTruth(Path.Combine(elsewhere, "spine-demo"));

            Directory.Move(Path.Combine(published, "models"), Path.Combine(published, "models-renamed"));
            Directory.Delete(Path.Combine(elsewhere, "spine-demo"), recursive: true);
            (exitCode, output) = await FreshClone.ShellAsync($"{Path.Combine(published, "spine")} demo", elsewhere, TimeSpan.FromMinutes(1));

            Assert.Equal(3, exitCode);
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(Path.Combine(published, "models"), line, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(elsewhere, "spine-demo")), "nothing is generated before the models are found");
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    /// <summary>
    /// The README's promise: the report as JSON and HTML in spine-demo/STUDYID/, every finding within one grade of the
    /// phantom's ground truth and all but the central canal's exactly on it (the decision tree, short of its aim, may
    /// place a stenotic canal one grade off: models/README.md).
    /// </summary>
    private static void AssertDemoReportMatchesGroundTruth(string demo)
    {
        var truth = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(demo, "phantom-study", PhantomWriter.GroundTruthFile)), PhantomJsonContext.Default.GroundTruth)!;
        var studyFolder = Assert.Single(Directory.EnumerateDirectories(demo), folder => Guid.TryParseExact(Path.GetFileName(folder), "N", out _));
        Assert.True(File.Exists(Path.Combine(studyFolder, "report.html")), $"no report.html in {studyFolder}");
        var report = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(studyFolder, "report.json")), SpineContractsJsonContext.Default.StudyReport)!;

        Assert.Equal(truth.Levels.Select(l => l.Level), report.Levels.Select(l => l.Level));
        var findings = report.Levels.SelectMany(level => level.Findings.Select(finding => (level.Level, finding.Kind, finding.Side, finding.Grade,
            Truth: truth.Levels.Single(t => t.Level == level.Level).Grades.Of(finding.Kind, finding.Side)))).ToList();
        Assert.Equal(25, findings.Count);
        Assert.DoesNotContain(findings, f => Math.Abs(f.Grade - f.Truth) > 1);
        Assert.DoesNotContain(findings, f => f.Grade != f.Truth && f.Kind != FindingKind.CentralCanalStenosis);
    }
}
