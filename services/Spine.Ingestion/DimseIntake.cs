using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Platform.Hosting;

namespace Spine.Ingestion;

/// <summary>
/// Ingestion's storage SCP handler: each instance is checked (it parses; its SOP Instance UID is the one the command
/// names), stored at once (one instance in memory at a time, never a study), and added to its open study; a study is
/// complete when the association that brought it is released with no other one still sending it, or after the quiet
/// period; then StudyReceived. An instance received twice while its study is open is stored once.
/// </summary>
public sealed partial class DimseIntake(StudyIntake intake, IOptions<DimseOptions> options, TimeProvider time, ILogger<DimseIntake> logger) : IStorageHandler
{
    private static readonly Counter<long> Instances = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.dimse.instances", "{instance}", "C-STORE requests by outcome: stored, duplicate (stored once already), unreadable, mismatch (no Study Instance UID, or not the SOP instance its command names), failed (storage or ledger out of reach: the sender is told to retry).");

    private static readonly Histogram<double> StoreDuration = SpineTelemetry.Meter.CreateHistogram<double>(
        "spine.dimse.store.duration", "s", "From a C-STORE's complete data set to its durable storage, for stored instances.");

    private readonly Dictionary<string, OpenStudy> _open = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool AcceptsAbstractSyntax(string sopClassUid) =>
        sopClassUid.StartsWith("1.2.840.10008.5.1.4.1.1.", StringComparison.Ordinal);

    public async Task<ushort> StoreAsync(AssociationInfo association, DimseCommand request, string transferSyntaxUid, ReadOnlyMemory<byte> dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(association);
        ArgumentNullException.ThrowIfNull(request);
        var (buffer, length) = Part10(request, transferSyntaxUid, association.CallingAeTitle, dataSet.Span);
        try
        {
            return await StoreAsync(association, request, buffer.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<ushort> StoreAsync(AssociationInfo association, DimseCommand request, ReadOnlyMemory<byte> part10, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var (status, outcome) = await StoreAndClassifyAsync(association, request, part10, cancellationToken);
        var callingAe = new KeyValuePair<string, object?>(DicomNetworkTelemetry.CallingAeTag, association.CallingAeTitle);
        Instances.Add(1, new KeyValuePair<string, object?>(DicomNetworkTelemetry.OutcomeTag, outcome), callingAe);
        if (outcome == "stored")
        {
            StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, callingAe);
        }

        return status;
    }

    private async Task<(ushort Status, string Outcome)> StoreAndClassifyAsync(AssociationInfo association, DimseCommand request, ReadOnlyMemory<byte> part10, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            // The header is enough to place the instance; the pixel data is stored as it came and decoded later.
            file = DicomFile.Read(part10, $"instance from {association.CallingAeTitle}", new DicomReadOptions { StopBeforePixelData = true });
        }
        catch (DicomFormatException ex)
        {
            LogUnreadable(logger, association.CallingAeTitle, ex.Message);
            return (DimseStatus.CannotUnderstand, "unreadable");
        }

        var studyUid = file.Dataset.GetString(DicomTags.StudyInstanceUid);
        if (string.IsNullOrEmpty(studyUid) || file.Dataset.GetString(DicomTags.SopInstanceUid) != request.AffectedSopInstanceUid)
        {
            LogMismatch(logger, association.CallingAeTitle);
            return (DimseStatus.DataSetDoesNotMatchSopClass, "mismatch");
        }

        OpenStudy study;
        lock (_lock)
        {
            if (!_open.TryGetValue(studyUid, out study!))
            {
                study = new OpenStudy(intake.NewStudyId(), studyUid);
                _open[studyUid] = study;
            }

            study.LastInstanceAt = time.GetTimestamp();
            study.Associations.Add(association.Id);
            if (!study.Received.Add(request.AffectedSopInstanceUid!))
            {
                return (DimseStatus.Success, "duplicate");
            }
        }

        try
        {
            // Until the ledger knows the study, a restart could not find it; a failed attempt is retried with the next instance.
            if (!study.Begun)
            {
                await intake.BeginAsync(study.StudyId, studyUid, "dimse", cancellationToken);
                study.Begun = true;
            }

            var stored = await intake.StoreInstanceAsync(study.StudyId, file, part10, cancellationToken);
            lock (_lock)
            {
                study.Instances.Add(stored);
            }

            return (DimseStatus.Success, "stored");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage or ledger out of reach: the sender is told to retry (and its association goes on) rather than
            // having the association aborted.
            lock (_lock)
            {
                study.Received.Remove(request.AffectedSopInstanceUid!);
            }

            LogStoreFailed(logger, study.StudyId, ex.Message);
            return (DimseStatus.OutOfResources, "failed");
        }
    }

    public async Task AssociationEndedAsync(AssociationInfo association, bool released)
    {
        ArgumentNullException.ThrowIfNull(association);
        List<OpenStudy> complete;
        lock (_lock)
        {
            foreach (var study in _open.Values)
            {
                study.Associations.Remove(association.Id);
            }

            complete = released ? TakeWhere(s => s.Associations.Count == 0 && s.Instances.Count > 0) : [];
        }

        await CompleteAsync(complete);
    }

    /// <summary>Completes the studies that have been quiet for the quiet period; called by the service's timer.</summary>
    public async Task CompleteQuietStudiesAsync()
    {
        var quiet = TimeSpan.FromSeconds(options.Value.QuietPeriodSeconds);
        List<OpenStudy> complete;
        lock (_lock)
        {
            complete = TakeWhere(s => time.GetElapsedTime(s.LastInstanceAt) >= quiet);
        }

        await CompleteAsync(complete);
    }

    public void Refused(string calling, IPEndPoint remote, string reason)
    {
        ArgumentNullException.ThrowIfNull(remote);
        LogRefused(logger, calling, remote.Address.ToString(), reason);
    }

    private List<OpenStudy> TakeWhere(Func<OpenStudy, bool> done)
    {
        var taken = _open.Values.Where(done).ToList();
        foreach (var study in taken)
        {
            _open.Remove(study.StudyInstanceUid);
        }

        return taken;
    }

    /// <summary>
    /// Reopens the studies a previous run was receiving when it stopped (begun in the ledger, never completed): their
    /// stored instances are read back and each study waits a quiet period again, so a sender that resends after the
    /// restart joins the same study (duplicates stored once) and the study is then reported once. Called before the
    /// SCP listens. Ingestion runs one replica: a second one would take over studies the first is receiving.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var record in await intake.ListUnfinishedAsync(cancellationToken))
        {
            var instances = await intake.ReadStoredInstancesAsync(record.StudyId, cancellationToken);
            if (instances.Count == 0)
            {
                await intake.AbandonAsync(record.StudyId, record.StudyInstanceUid, "no-instances", "ingestion stopped before any instance of the study was stored", cancellationToken);
                continue;
            }

            var study = new OpenStudy(record.StudyId, record.StudyInstanceUid) { LastInstanceAt = time.GetTimestamp(), Begun = true };
            study.Instances.AddRange(instances);
            study.Received.UnionWith(instances.Select(i => i.SopInstanceUid));
            lock (_lock)
            {
                _open[record.StudyInstanceUid] = study;
            }

            LogRecovered(logger, record.StudyId, instances.Count);
        }
    }

    private async Task CompleteAsync(List<OpenStudy> studies)
    {
        foreach (var study in studies)
        {
            // One span per study assembled over DIMSE, under the association that completed it when one did.
            using var activity = SpineTelemetry.Source.StartActivity("dimse study complete");
            activity?.SetTag(SpineTelemetry.StudyIdTag, study.StudyId.ToString());
            activity?.SetTag("spine.instances", study.Instances.Count);
            if (study.Instances.Count > 0)
            {
                await intake.CompleteAsync(study.StudyId, study.StudyInstanceUid, [.. study.Instances], [], "dimse", CancellationToken.None);
            }
            else
            {
                await intake.AbandonAsync(study.StudyId, study.StudyInstanceUid, "no-instances", "no instance of the study could be stored", CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// A Part 10 file around the data set exactly as received (file meta information, then the received bytes), in an
    /// array rented from the shared pool that the caller returns once the instance is stored.
    /// </summary>
    private static (byte[] Buffer, int Length) Part10(DimseCommand request, string transferSyntaxUid, string sourceAeTitle, ReadOnlySpan<byte> dataSet)
    {
        var meta = DicomWriter.FileMetaInformation(request.AffectedSopClassUid ?? string.Empty, request.AffectedSopInstanceUid ?? string.Empty, transferSyntaxUid, sourceAeTitle);
        var buffer = ArrayPool<byte>.Shared.Rent(meta.Length + dataSet.Length);
        meta.CopyTo(buffer, 0);
        dataSet.CopyTo(buffer.AsSpan(meta.Length));
        return (buffer, meta.Length + dataSet.Length);
    }

    private sealed class OpenStudy(Guid studyId, string studyInstanceUid)
    {
        public Guid StudyId { get; } = studyId;
        public string StudyInstanceUid { get; } = studyInstanceUid;
        public HashSet<string> Received { get; } = new(StringComparer.Ordinal);
        public List<StoredInstance> Instances { get; } = [];
        public HashSet<Guid> Associations { get; } = [];
        public long LastInstanceAt { get; set; }

        /// <summary>The ledger records the study's ingestion as started (two associations may both record it: harmless).</summary>
        public bool Begun { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DICOM association from {CallingAeTitle} at {Address} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string callingAeTitle, string address, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance from {CallingAeTitle} not stored: it does not parse ({Reason})")]
    private static partial void LogUnreadable(ILogger logger, string callingAeTitle, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance from {CallingAeTitle} not stored: no Study Instance UID, or its SOP Instance UID is not the one its C-STORE named")]
    private static partial void LogMismatch(ILogger logger, string callingAeTitle);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: {Instances} instances received before a restart, waiting for the rest")]
    private static partial void LogRecovered(ILogger logger, Guid studyId, int instances);

    [LoggerMessage(Level = LogLevel.Error, Message = "Study {StudyId}: an instance could not be stored: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, Guid studyId, string reason);
}
