using System.Globalization;
using Spine.Contracts.V1;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests.Pipeline;

/// <summary>A study a PACS (Debian's Orthanc) pushes to ingestion's storage SCP, through the six services in one process to its report.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DimsePipelineTests : IAsyncLifetime
{
    private readonly int _port = SpineProcess.FreeTcpPort();
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(
            SpineModules.Pipeline,
            bus =>
            {
                EmbeddedPlatform.Record<StudyReceived>(bus);
                EmbeddedPlatform.Record<StudyReportPublished>(bus);
            },
            new Dictionary<string, string?>
            {
                ["Spine:Ingestion:Dimse:Enabled"] = "true",
                ["Spine:Ingestion:Dimse:Address"] = "127.0.0.1",
                ["Spine:Ingestion:Dimse:Port"] = _port.ToString(CultureInfo.InvariantCulture),
                ["Spine:Ingestion:Dimse:AllowedCallingAeTitles:0"] = "ORTHANC",
                ["Spine:Ingestion:QuietPeriodSeconds"] = "6",
            });

    [Fact]
    public async Task Orthanc_pushes_a_study_to_ingestion_and_the_pipeline_reports_its_axial_t2_series()
    {
        await using var orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)> { ["spine"] = ("SPINE", _port) });
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 929294 });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "pacs"));
        string? orthancStudy = null;
        foreach (var file in Directory.GetFiles(Path.Combine(_platform.Root, "pacs", "dicom"), "*.dcm", SearchOption.AllDirectories))
        {
            orthancStudy = (await orthanc.UploadAsync(await File.ReadAllBytesAsync(file)))["ParentStudy"]!.GetValue<string>();
        }

        await orthanc.StoreToModalityAsync("spine", orthancStudy!);

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 60);
        var report = await _platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == received.StudyId, seconds: 120);
        Assert.Equal(phantom.Truth.AxialT2SeriesInstanceUid, report.Report.SeriesInstanceUid);
        Assert.Equal(5, report.Report.Levels.Count);
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
