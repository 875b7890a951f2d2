using System.Globalization;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Ledger;
using Spine.Testing;

namespace Spine.Ingestion.Tests;

/// <summary>Ingestion stopping while a study arrives over DIMSE, and starting again on the same storage and ledger.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DimseRecoveryTests
{
    private readonly int _port = SpineProcess.FreeTcpPort();

    private Dictionary<string, string?> Settings(int quietSeconds) => new()
    {
        ["Spine:Ingestion:Dimse:Enabled"] = "true",
        ["Spine:Ingestion:Dimse:Address"] = "127.0.0.1",
        ["Spine:Ingestion:Dimse:Port"] = _port.ToString(CultureInfo.InvariantCulture),
        ["Spine:Ingestion:Dimse:AllowedCallingAeTitles:0"] = "SCANNER1",
        ["Spine:Ingestion:QuietPeriodSeconds"] = quietSeconds.ToString(CultureInfo.InvariantCulture),
    };

    private static Task<EmbeddedPlatform> StartAsync(Dictionary<string, string?> settings, string? root = null) =>
        EmbeddedPlatform.StartAsync([IngestionModule.Module], bus => { EmbeddedPlatform.Record<StudyReceived>(bus); EmbeddedPlatform.Record<StudyFailed>(bus); }, settings, root);

    private static (string StudyInstanceUid, List<byte[]> Files) Study(int seed, string folder)
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = seed });
        PhantomWriter.WriteStudy(phantom, folder);
        var files = Directory.GetFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        return (phantom.Truth.StudyInstanceUid, files);
    }

    /// <summary>Sends instances in one association; releases it, or drops the connection as a crashed sender would.</summary>
    private async Task SendAsync(IEnumerable<byte[]> files, bool release)
    {
        var list = files.ToList();
        var contexts = DicomClient.ContextsFor(list.Select(b => DicomFile.Read(b)).Select(f => (f.Dataset.GetString(DicomTags.SopClassUid)!, f.TransferSyntax.Uid)).Distinct().ToList());
        await using var client = await ConnectWhenListeningAsync(contexts);
        foreach (var bytes in list)
        {
            Assert.Equal(DimseStatus.Success, await client.StoreAsync(bytes));
        }

        if (release)
        {
            await client.ReleaseAsync();
        }
    }

    /// <summary>The SCP listens once the service has started and recovered what the last run left.</summary>
    private async Task<DicomClient> ConnectWhenListeningAsync(IReadOnlyList<ProposedContext> contexts)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await DicomClient.ConnectAsync("127.0.0.1", _port, "SCANNER1", "SPINE", contexts);
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>First run: part of a study arrives, the sender's connection drops, ingestion stops before the quiet period ends.</summary>
    private async Task<(string Root, Guid StudyId)> InterruptedAsync(string studyInstanceUid, IEnumerable<byte[]> firstPart)
    {
        var first = await StartAsync(Settings(quietSeconds: 600));
        await SendAsync(firstPart, release: false);
        var unfinished = await first.Service<IStudyLedger>().ListUnfinishedAsync(PipelineStage.Ingestion);
        await first.StopAsync();

        Assert.Empty(first.Published.OfType<StudyReceived>());
        var study = Assert.Single(unfinished);
        Assert.Equal(studyInstanceUid, study.StudyInstanceUid);
        return (first.Root, study.StudyId);
    }

    [Fact]
    public async Task A_completion_that_fails_while_the_store_is_down_is_retried_and_the_service_keeps_running()
    {
        var (uid, files) = Study(989898, Directory.CreateTempSubdirectory("spine-recovery-").FullName);
        await using var platform = await StartAsync(Settings(quietSeconds: 3));
        await SendAsync(files.Take(4), release: true);

        // The store goes away before the quiet period ends: the manifest cannot be written (a file where its folder was).
        var objects = Path.Combine(platform.Root, "objects");
        Directory.Move(objects, objects + ".away");
        await File.WriteAllTextAsync(objects, "not a folder");
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.DoesNotContain(platform.Published.OfType<StudyReceived>(), m => m.StudyInstanceUid == uid);
        Assert.False(platform.Service<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "the failed completion stopped the service");

        File.Delete(objects);
        Directory.Move(objects + ".away", objects);
        var received = await platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == uid, seconds: 30);
        Assert.Equal(4, received.InstanceCount);
    }

    [Fact]
    public async Task A_study_cut_by_a_restart_and_sent_again_is_received_once_under_its_first_study_id_with_every_instance()
    {
        var (uid, files) = Study(949494, Directory.CreateTempSubdirectory("spine-recovery-").FullName);
        var (root, studyId) = await InterruptedAsync(uid, files.Take(10));

        // The reopened study waits a quiet period (long enough for the sender to reconnect on a busy machine) for the rest.
        await using var second = await StartAsync(Settings(quietSeconds: 15), root);
        await SendAsync(files, release: true);

        var received = await second.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == uid, seconds: 60);
        Assert.Equal(studyId, received.StudyId);
        Assert.Equal(files.Count, received.InstanceCount);
        Assert.Empty(await second.Service<IStudyLedger>().ListUnfinishedAsync(PipelineStage.Ingestion));
        Assert.Single(second.Published.OfType<StudyReceived>());
    }

    [Fact]
    public async Task A_study_cut_by_a_restart_and_not_sent_again_is_received_after_the_quiet_period_with_what_was_stored()
    {
        var (uid, files) = Study(959595, Directory.CreateTempSubdirectory("spine-recovery-").FullName);
        var (root, studyId) = await InterruptedAsync(uid, files.Take(7));

        await using var second = await StartAsync(Settings(quietSeconds: 1), root);

        var received = await second.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == uid, seconds: 30);
        Assert.Equal(studyId, received.StudyId);
        Assert.Equal(7, received.InstanceCount);
        var record = await second.Service<IStudyLedger>().FindAsync(studyId);
        Assert.Equal([StageOutcome.Started, StageOutcome.Completed], record!.Transitions.Where(t => t.Stage == PipelineStage.Ingestion).Select(t => t.Outcome));
    }

    [Fact]
    public async Task Instances_damaged_in_storage_during_a_restart_are_left_out_and_the_rest_of_the_study_is_received()
    {
        var (uid, files) = Study(969696, Directory.CreateTempSubdirectory("spine-recovery-").FullName);
        var (root, studyId) = await InterruptedAsync(uid, files.Take(7));
        var instancesFolder = Path.Combine("studies", studyId.ToString("n"), "instances") + Path.DirectorySeparatorChar;
        var stored = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(path => path.Contains(instancesFolder, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var data = stored.Where(path => path.EndsWith(".dcm", StringComparison.Ordinal)).ToList();
        var meta = stored.Where(path => path.EndsWith(".dcm.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, data.Count);
        await File.WriteAllBytesAsync(data[0], new byte[1000]);                  // bytes changed on the disk
        await File.WriteAllTextAsync(meta[^1], "not json");                       // its metadata damaged

        await using var second = await StartAsync(Settings(quietSeconds: 1), root);

        var received = await second.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == uid, seconds: 30);
        Assert.Equal(studyId, received.StudyId);
        Assert.Equal(5, received.InstanceCount);
    }
}
