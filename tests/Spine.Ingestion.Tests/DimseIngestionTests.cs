using System.Globalization;
using System.Text.Json;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Phantom;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;
using Spine.Testing;

namespace Spine.Ingestion.Tests;

/// <summary>
/// Ingestion as a storage SCP, fed by dcmtk's storescu and by Orthanc, in the embedded configuration. The quiet period
/// that closes a study is long enough that a stalled sender on a busy 2-core machine does not split one.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DimseIngestionTests : IAsyncLifetime
{
    private readonly int _port = SpineProcess.FreeTcpPort();
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(
            [IngestionModule.Module],
            EmbeddedPlatform.Record<StudyReceived>,
            new Dictionary<string, string?>
            {
                ["Spine:Ingestion:Dimse:Enabled"] = "true",
                ["Spine:Ingestion:Dimse:Address"] = "127.0.0.1",
                ["Spine:Ingestion:Dimse:Port"] = _port.ToString(CultureInfo.InvariantCulture),
                ["Spine:Ingestion:Dimse:AllowedCallingAeTitles:0"] = "SCANNER1",
                ["Spine:Ingestion:Dimse:AllowedCallingAeTitles:1"] = "ORTHANC",
                ["Spine:Ingestion:QuietPeriodSeconds"] = "6",
            });

    [Fact]
    public async Task A_study_pushed_by_storescu_is_one_study_stored_as_sent_once_per_instance()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 929292 });
        var folder = Path.Combine(_platform.Root, "scanner");
        PhantomWriter.WriteStudy(phantom, folder);
        var files = Directory.GetFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        // Every file once, and the first three again in the same association: a duplicate is stored once.
        var (exit, output) = await StoreScuAsync("SCANNER1", [.. files, .. files.Take(3)]);
        Assert.True(exit == 0, output);

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 60);
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
        // The association was refused before any C-STORE, and storescu has heard so: nothing of it can be stored later.
        Assert.Empty(await _platform.Service<IObjectStore>().ListAsync("studies/"));
        Assert.Empty(await _platform.Service<IStudyLedger>().ListAsync(0, 10));
    }

    [Fact]
    public async Task Orthanc_pushes_a_study_to_ingestion_as_one_study()
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

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 60);
        Assert.Equal(files.Length, received.InstanceCount);
    }

    [Fact]
    public async Task Instances_of_one_study_sent_over_two_associations_within_the_quiet_period_are_one_study()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 929295, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "two"));
        var files = Directory.GetFiles(Path.Combine(_platform.Root, "two", "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        // As a PACS that sends each series, or each batch, in an association of its own.
        Assert.Equal(0, (await StoreScuAsync("SCANNER1", files.Take(files.Count / 2))).ExitCode);
        Assert.Equal(0, (await StoreScuAsync("SCANNER1", files.Skip(files.Count / 2))).ExitCode);

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 60);
        Assert.Equal(files.Count, received.InstanceCount);
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.Single(_platform.Published.OfType<StudyReceived>(), m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid);
    }

    [Fact]
    public async Task An_association_still_open_keeps_its_study_open_past_the_quiet_period()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 929296, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "slow"));
        var files = Directory.GetFiles(Path.Combine(_platform.Root, "slow", "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(3).Select(File.ReadAllBytes).ToList();
        var contexts = DicomClient.ContextsFor(files.Select(b => DicomFile.Read(b)).Select(f => (f.Dataset.GetString(DicomTags.SopClassUid)!, f.TransferSyntax.Uid)).Distinct().ToList());

        await using (var client = await DicomClient.ConnectAsync("127.0.0.1", _port, "SCANNER1", "SPINE", contexts))
        {
            Assert.Equal(DimseStatus.Success, await client.StoreAsync(files[0]));
            Assert.Equal(DimseStatus.Success, await client.StoreAsync(files[1]));
            await Task.Delay(TimeSpan.FromSeconds(8)); // longer than the quiet period, the association open (a slow modality)
            Assert.DoesNotContain(_platform.Published.OfType<StudyReceived>(), m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid);
            Assert.Equal(DimseStatus.Success, await client.StoreAsync(files[2]));
            await client.ReleaseAsync();
        }

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 60);
        Assert.Equal(3, received.InstanceCount);
    }

    private Task<(int ExitCode, string Output)> StoreScuAsync(string callingAeTitle, IEnumerable<string> files) =>
        DcmtkTool.RunAsync("storescu", ["-aet", callingAeTitle, "-aec", "SPINE", "127.0.0.1", _port.ToString(CultureInfo.InvariantCulture), .. files]);

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
