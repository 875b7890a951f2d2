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
/// names), stored at once (one instance in memory at a time, never a study), and added to its open study
/// (<see cref="OpenStudies"/>: one StudyId per Study Instance UID across associations and STOW-RS requests, complete
/// when no association still sends it and the quiet period has passed). An instance received twice is stored once.
/// </summary>
public sealed partial class DimseIntake(OpenStudies studies, TimeProvider time, ILogger<DimseIntake> logger) : IStorageHandler
{
    private static readonly Counter<long> Instances = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.dimse.instances", "{instance}", "C-STORE requests by outcome: stored, duplicate (stored once already), unreadable, mismatch (no Study Instance UID, or not the SOP instance its command names), failed (storage or ledger out of reach: the sender is told to retry).");

    private static readonly Histogram<double> StoreDuration = SpineTelemetry.Meter.CreateHistogram<double>(
        "spine.dimse.store.duration", "s", "From a C-STORE's complete data set to its durable storage, for stored instances.");

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

        try
        {
            var (_, stored) = await studies.AddAsync(association.Id, "dimse", studyUid, request.AffectedSopInstanceUid!, file, part10, cancellationToken);
            return (DimseStatus.Success, stored ? "stored" : "duplicate");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage or ledger out of reach: the sender is told to retry (and its association goes on) rather than
            // having the association aborted.
            LogStoreFailed(logger, ex.GetType().Name);
            return (DimseStatus.OutOfResources, "failed");
        }
    }

    /// <summary>The association's studies may complete once quiet; a study another association still sends stays open.</summary>
    public Task AssociationEndedAsync(AssociationInfo association, bool released)
    {
        ArgumentNullException.ThrowIfNull(association);
        studies.SenderEnded(association.Id);
        return Task.CompletedTask;
    }

    public void Refused(string calling, IPEndPoint remote, string reason)
    {
        ArgumentNullException.ThrowIfNull(remote);
        LogRefused(logger, calling, remote.Address.ToString(), reason);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "DICOM association from {CallingAeTitle} at {Address} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string callingAeTitle, string address, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance from {CallingAeTitle} not stored: it does not parse ({Reason})")]
    private static partial void LogUnreadable(ILogger logger, string callingAeTitle, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance from {CallingAeTitle} not stored: no Study Instance UID, or its SOP Instance UID is not the one its C-STORE named")]
    private static partial void LogMismatch(ILogger logger, string callingAeTitle);

    [LoggerMessage(Level = LogLevel.Error, Message = "An instance could not be stored ({Error}): the sender is told to send it again")]
    private static partial void LogStoreFailed(ILogger logger, string error);
}
