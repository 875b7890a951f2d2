using System.Globalization;
using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>The measurement report as DICOM SR, checked by dicom3tools' dciodvfy and read back by dcmtk's dsrdump.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(ReportedPhantomStudyCollection.Name)]
public sealed class MeasurementReportSrTests(ReportedPhantomStudy study) : IAsyncLifetime
{
    private EmbeddedPlatform _platform = null!;
    private StudyReport _report = null!;
    private byte[] _sr = null!;
    private PhantomStudy _phantom = null!;

    public async Task InitializeAsync()
    {
        (_platform, _report, _phantom) = (study.Platform, study.Report, study.Phantom);
        _sr = await study.GetDicomAsync("sr");
    }

    [Fact]
    public async Task Dciodvfy_finds_no_error_in_the_comprehensive_sr()
    {
        var path = Path.Combine(_platform.Root, "sr.dcm");
        await File.WriteAllBytesAsync(path, _sr);

        var (_, output) = await ExternalTool.RunAsync("dciodvfy", [path]);

        Assert.Contains("ComprehensiveSR", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dsrdump_prints_every_levels_measurements_grades_and_source_image_as_the_json_report_has_them()
    {
        var path = Path.Combine(_platform.Root, "sr-dump.dcm");
        await File.WriteAllBytesAsync(path, _sr);

        // +Pt prints the template of the root, +Pu the UIDs of referenced images, +Pl long texts whole.
        var (exit, tree) = await ExternalTool.RunAsync("dsrdump", ["-Ec", "+Pt", "+Pu", "+Pl", path]);

        Assert.True(exit == 0, tree);
        Assert.Contains("Imaging Measurement Report", tree, StringComparison.Ordinal);
        Assert.Contains("# TID 1500 (DCMR)", tree, StringComparison.Ordinal);
        Assert.Contains($"<contains TEXT:(,,\"Impression\")=\"{ReportText.Impression(_report)}\">", tree, StringComparison.Ordinal);
        foreach (var level in _report.Levels)
        {
            Assert.Contains($"<has obs context TEXT:(,,\"Tracking Identifier\")=\"{level.Level.Name()}\">", tree, StringComparison.Ordinal);
            var sacArea = level.Measurements.Single(m => m.Name == "dural sac area").Value;
            Assert.Contains($"<contains NUM:(,,\"Area\")=\"{sacArea.ToString("0.####", CultureInfo.InvariantCulture)}\" (mm2,UCUM,\"square millimeter\")>\n        <has concept mod CODE:(,,\"Finding Site\")=(18545000,SCT,\"Dura mater\")>", tree, StringComparison.Ordinal);
            Assert.Contains($"<contains IMAGE:(,,\"Source\")=(MR image,\"{level.ReadOn!.Instance.SopInstanceUid}\")>", tree, StringComparison.Ordinal);
        }

        // Five graded findings per level, each its SNOMED CT grade.
        var gradeMeanings = new[] { "Normal", "Mild", "Moderate", "Severe" };
        foreach (var kind in new[] { "Central canal stenosis", "Neural foraminal stenosis", "Facet arthropathy" })
        {
            Assert.Contains($"<contains CODE:(,,\"{kind}\")=(", tree, StringComparison.Ordinal);
        }

        var graded = _report.Levels.SelectMany(l => l.Findings).ToList();
        Assert.Equal(graded.Count, gradeMeanings.Sum(meaning => CountOf(tree, $",SCT,\"{meaning}\")")));
        Assert.Equal(_report.Levels.Count * 4, CountOf(tree, "CODE:(,,\"Laterality\")=("));
        Assert.Contains(_phantom.Truth.StudyInstanceUid, DicomFile.Read(_sr).Dataset.GetString(DicomTags.StudyInstanceUid), StringComparison.Ordinal);
        Assert.Contains("synthetic phantoms", tree, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
