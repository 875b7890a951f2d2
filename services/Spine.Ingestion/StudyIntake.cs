using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Pipeline;
using Spine.Platform.Archive;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;
using Spine.Platform.Storage;

namespace Spine.Ingestion;

/// <summary>
/// What every way in (folder, DIMSE, STOW-RS) does with a study's instances: stores each once under the study,
/// and when the study is complete writes its manifest, indexes its instances for DICOMweb (in one batch, not one
/// database write per instance), registers it in the ledger and publishes StudyReceived.
/// </summary>
public sealed partial class StudyIntake(IObjectStore store, IStudyLedger ledger, IDicomArchive archive, TimeProvider time, ILogger<StudyIntake> logger)
{
    // The archive entries of studies still arriving, by StudyId then SOP Instance UID (a resent instance replaces its entry).
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, ArchivedInstance>> _unindexed = new();

    public Guid NewStudyId() => Guid.CreateVersion7(time.GetUtcNow());

    /// <summary>Stores one instance (a whole Part 10 file) under the study; returns its manifest entry.</summary>
    public async Task<StoredInstance> StoreInstanceAsync(Guid studyId, DicomFile file, ReadOnlyMemory<byte> part10, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var sopInstanceUid = SopInstanceUidOf(file);
        var stored = await store.PutAsync(StudyKeys.Instance(studyId, sopInstanceUid), part10, "application/dicom", cancellationToken);
        Unindexed(studyId)[sopInstanceUid] = ArchiveEntries.Of(studyId, file.Dataset, file.TransferSyntax.Uid, stored);
        return ManifestEntry(file, stored);
    }

    private ConcurrentDictionary<string, ArchivedInstance> Unindexed(Guid studyId) =>
        _unindexed.GetOrAdd(studyId, _ => new ConcurrentDictionary<string, ArchivedInstance>(StringComparer.Ordinal));

    private static string SopInstanceUidOf(DicomFile file) =>
        file.Dataset.GetString(DicomTags.SopInstanceUid)
            ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSopInstanceUid)
            ?? throw new InvalidDataException("an instance without a SOP Instance UID (0008,0018) cannot be stored.");

    private static StoredInstance ManifestEntry(DicomFile file, ObjectRef stored) => new()
    {
        SeriesInstanceUid = file.Dataset.GetString(DicomTags.SeriesInstanceUid) ?? string.Empty,
        SopInstanceUid = SopInstanceUidOf(file),
        SopClassUid = file.Dataset.GetString(DicomTags.SopClassUid) ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSopClassUid) ?? string.Empty,
        TransferSyntaxUid = file.TransferSyntax.Uid,
        Object = stored,
    };

    /// <summary>
    /// A study starts arriving over a way in that assembles it over time (DIMSE): the ledger says so, so that a restart
    /// before it is complete finds it (<see cref="ListUnfinishedAsync"/>) instead of leaving its instances orphaned.
    /// </summary>
    public async Task BeginAsync(Guid studyId, string studyInstanceUid, string source, CancellationToken cancellationToken)
    {
        await ledger.RegisterAsync(studyId, studyInstanceUid, cancellationToken);
        await ledger.RecordAsync(studyId, PipelineStage.Ingestion, StageOutcome.Started, $"receiving by {source}", cancellationToken);
    }

    /// <summary>Studies whose ingestion began and never completed or failed: a previous run stopped while receiving them.</summary>
    public Task<IReadOnlyList<StudyRecord>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        ledger.ListUnfinishedAsync(PipelineStage.Ingestion, cancellationToken);

    /// <summary>
    /// The instances stored for a study, read back from storage; a damaged, vanished or unparsable one is left out and
    /// logged, and the study goes on without it: a write cut by a crash was never acknowledged, so its sender sends it
    /// again; one damaged after its acknowledgement stays missing, named in the log.
    /// </summary>
    public async Task<List<StoredInstance>> ReadStoredInstancesAsync(Guid studyId, CancellationToken cancellationToken)
    {
        var instances = new List<StoredInstance>();
        foreach (var reference in await store.ListAsync(StudyKeys.InstancesFolder(studyId), cancellationToken))
        {
            // Read whole, so that the store checks each instance's SHA-256 before the study is reported with it.
            try
            {
                var bytes = await store.ReadAllBytesAsync(reference, cancellationToken);
                var file = DicomFile.Read(bytes, reference.Key, new DicomReadOptions { StopBeforePixelData = true });
                instances.Add(ManifestEntry(file, reference));
                Unindexed(studyId)[SopInstanceUidOf(file)] = ArchiveEntries.Of(studyId, file.Dataset, file.TransferSyntax.Uid, reference);
            }
            catch (Exception ex) when (ex is DicomFormatException or InvalidDataException or ObjectIntegrityException or ObjectNotFoundException)
            {
                LogUnreadableStored(logger, studyId, reference.Key, ex.Message);
            }
        }

        return instances;
    }

    /// <summary>
    /// The study already received with exactly these instances (same Study Instance UID, the same SOP Instance UIDs,
    /// not failed), so that importing the same folder twice answers with the first StudyId instead of a second report.
    /// </summary>
    public async Task<Guid?> FindSameStudyAsync(string studyInstanceUid, IReadOnlySet<string> sopInstanceUids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sopInstanceUids);
        foreach (var record in await ledger.FindByStudyInstanceUidAsync(studyInstanceUid, cancellationToken))
        {
            if (record.Status == StudyStatus.Failed || await store.StatAsync(StudyKeys.Manifest(record.StudyId), cancellationToken) is not { } reference)
            {
                continue;
            }

            await using var stream = await store.OpenReadAsync(reference, cancellationToken);
            var manifest = await JsonSerializer.DeserializeAsync(stream, SpineContractsJsonContext.Default.StudyManifest, cancellationToken);
            if (manifest is not null && sopInstanceUids.SetEquals(manifest.Instances.Select(i => i.SopInstanceUid)))
            {
                return record.StudyId;
            }
        }

        return null;
    }

    /// <summary>Ends a study that cannot be completed: the ledger records why and queues StudyFailed, in one transaction.</summary>
    public async Task AbandonAsync(Guid studyId, string studyInstanceUid, string code, string reason, CancellationToken cancellationToken)
    {
        _unindexed.TryRemove(studyId, out _);
        await ledger.RegisterAsync(studyId, studyInstanceUid, cancellationToken);
        var failed = StudyFailedMessage.For(studyId, studyInstanceUid, studyId, PipelineStage.Ingestion, code, reason, time);
        if (await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Failed, $"{code}: {reason}", [failed], cancellationToken))
        {
            LogAbandoned(logger, studyId, code);
        }
    }

    /// <summary>
    /// The study is complete: its manifest is stored, then the ledger records ingestion Completed and queues
    /// StudyReceived in one transaction, so a crash leaves either a study that recovery reopens or one on its way.
    /// </summary>
    /// <param name="source">"folder", "dimse" or "stow-rs".</param>
    public async Task CompleteAsync(Guid studyId, string studyInstanceUid, IReadOnlyList<StoredInstance> instances, IReadOnlyList<RejectedFile> rejected, string source, CancellationToken cancellationToken)
    {
        var manifest = new StudyManifest { StudyId = studyId, StudyInstanceUid = studyInstanceUid, Instances = instances, RejectedFiles = rejected };
        using var manifestContent = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, SpineContractsJsonContext.Default.StudyManifest), writable: false);
        var manifestRef = await store.PutAsync(StudyKeys.Manifest(studyId), manifestContent, "application/json", cancellationToken);
        if (_unindexed.TryGetValue(studyId, out var entries))
        {
            // Removed only once indexed: a failure here is retried with the entries still held.
            await archive.AddAsync([.. entries.Values], cancellationToken);
            _unindexed.TryRemove(studyId, out _);
        }

        await ledger.RegisterAsync(studyId, studyInstanceUid, cancellationToken);
        var received = new StudyReceived
        {
            StudyId = studyId,
            StudyInstanceUid = studyInstanceUid,
            CorrelationId = studyId,
            OccurredAt = time.GetUtcNow(),
            Source = source,
            Manifest = manifestRef,
            InstanceCount = instances.Count,
            RejectedFileCount = rejected.Count,
        };
        if (await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed,
            $"{instances.Count} instances by {source}; {rejected.Count} files rejected", [received], cancellationToken))
        {
            StudyMetrics.StudyReceived(source);
            LogReceived(logger, studyId, instances.Count, source);
        }
        else
        {
            LogAlreadyEnded(logger, studyId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: ingestion had already ended for it; nothing is published again")]
    private static partial void LogAlreadyEnded(ILogger logger, Guid studyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: stored object {Key} cannot be read back as DICOM and is left out ({Reason})")]
    private static partial void LogUnreadableStored(ILogger logger, Guid studyId, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId} failed in ingestion: {Code}")]
    private static partial void LogAbandoned(ILogger logger, Guid studyId, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} received: {Instances} instances stored ({Source})")]
    private static partial void LogReceived(ILogger logger, Guid studyId, int instances, string source);
}
