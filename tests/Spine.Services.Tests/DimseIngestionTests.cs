using System.Globalization;
using System.Text.Json;
using Spine.Classification;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Explanation;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Storage;
using Spine.Preprocessing;
using Spine.Reporting;
using Spine.Segmentation;
using Spine.Testing;

namespace Spine.Services.Tests;

/// <summary>Ingestion as a storage SCP, fed by dcmtk's storescu and by Orthanc, in the embedded configuration, through to the report.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DimseIngestionTests : IAsyncLifetime
{
    private readonly int _port = SpineProcess.FreeTcpPort();
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(
            EmbeddedPlatform.AllServices,
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
                ["Spine:Ingestion:Dimse:AllowedCallingAeTitles:0"] = "SCANNER1",
                ["Spine:Ingestion:Dimse:AllowedCallingAeTitles:1"] = "ORTHANC",
                ["Spine:Ingestion:Dimse:QuietPeriodSeconds"] = "2",
            });

    [Fact]
    public async Task A_study_pushed_by_storescu_is_stored_as_sent_once_per_instance_and_reported()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 929292 });
        var folder = Path.Combine(_platform.Root, "scanner");
        PhantomWriter.WriteStudy(phantom, folder);
        var files = Directory.GetFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        // Every file once, and the first three again in the same association: a duplicate is stored once.
        var (exit, output) = await StoreScuAsync("SCANNER1", [.. files, .. files.Take(3)]);
        Assert.True(exit == 0, output);

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 30);
        Assert.Equal("dimse", received.Source);
        Assert.Equal(files.Count, received.InstanceCount);

        var store = _platform.Service<IObjectStore>();
        StudyManifest manifest;
        await using (var stream = await store.OpenReadAsync(received.Manifest))
        {
            manifest = (await JsonSerializer.DeserializeAsync(stream, SpineContractsJsonContext.Default.StudyManifest))!;
        }

        var sent = files.Select(File.ReadAllBytes).ToDictionary(b => DicomFile.Read(b).Dataset.GetString(DicomTags.SopInstanceUid)!);
        Assert.Equal(sent.Keys.Order(StringComparer.Ordinal), manifest.Instances.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal));
        foreach (var instance in manifest.Instances)
        {
            await using var stream = await store.OpenReadAsync(instance.Object);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            var original = sent[instance.SopInstanceUid];
            Assert.True(original.AsSpan(DicomClient.DataSetOffset(original)).SequenceEqual(copy.ToArray().AsSpan(DicomClient.DataSetOffset(copy.ToArray()))),
                $"{instance.SopInstanceUid} was not stored as sent");
        }

        var report = await _platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == received.StudyId, seconds: 120);
        Assert.Equal(5, report.Report.Levels.Count);
    }

    [Fact]
    public async Task A_scanner_not_on_the_allow_list_is_rejected_and_nothing_is_stored()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 929293, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "other"));
        var file = Directory.GetFiles(Path.Combine(_platform.Root, "other", "dicom"), "*.dcm", SearchOption.AllDirectories)[0];

        var (exit, output) = await StoreScuAsync("UNKNOWN", [file]);

        Assert.NotEqual(0, exit);
        Assert.Contains("Rejected", output, StringComparison.OrdinalIgnoreCase);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(_platform.Published.OfType<StudyReceived>(), m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid);
    }

    [Fact]
    public async Task Orthanc_pushes_a_study_to_ingestion_and_the_pipeline_reports_it()
    {
        await using var orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)> { ["spine"] = ("SPINE", _port) });
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 929294, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "pacs"));
        var files = Directory.GetFiles(Path.Combine(_platform.Root, "pacs", "dicom"), "*.dcm", SearchOption.AllDirectories);
        string? orthancStudy = null;
        foreach (var file in files)
        {
            orthancStudy = (await orthanc.UploadAsync(await File.ReadAllBytesAsync(file)))["ParentStudy"]!.GetValue<string>();
        }

        await orthanc.StoreToModalityAsync("spine", orthancStudy!);

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 30);
        Assert.Equal(files.Length, received.InstanceCount);
        var report = await _platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == received.StudyId, seconds: 120);
        Assert.Equal(phantom.Truth.AxialT2SeriesInstanceUid, report.Report.SeriesInstanceUid);
    }

    [Fact]
    public async Task The_storage_client_stores_an_object_into_orthanc_which_then_lists_it()
    {
        await using var orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>());
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 929295, Distractors = false }), Path.Combine(_platform.Root, "result"));
        var bytes = await File.ReadAllBytesAsync(Directory.GetFiles(Path.Combine(_platform.Root, "result", "dicom"), "*.dcm", SearchOption.AllDirectories)[0]);
        var file = DicomFile.Read(bytes);

        await using (var client = await DicomClient.ConnectAsync("127.0.0.1", orthanc.DicomPort, "SPINE", orthanc.AeTitle,
            DicomClient.ContextsFor([(file.Dataset.GetString(DicomTags.SopClassUid)!, file.TransferSyntax.Uid)])))
        {
            Assert.Equal(DimseStatus.Success, await client.StoreAsync(bytes));
            await client.ReleaseAsync();
        }

        Assert.Contains(file.Dataset.GetString(DicomTags.SopInstanceUid)!, await orthanc.SopInstanceUidsAsync());
    }

    private Task<(int ExitCode, string Output)> StoreScuAsync(string callingAeTitle, IEnumerable<string> files) =>
        DcmtkTool.RunAsync("storescu", ["-aet", callingAeTitle, "-aec", "SPINE", "127.0.0.1", _port.ToString(CultureInfo.InvariantCulture), .. files]);

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
