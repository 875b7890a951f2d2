using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Platform.Hosting;

namespace Spine.Ingestion;

/// <summary>
/// The studies being received, by Study Instance UID, whatever brings their instances (DIMSE associations, STOW-RS
/// requests): instances of one study join one StudyId however many senders bring them, each stored once. A study is
/// complete when no sender that brought any of it is still open and the quiet period (<c>Spine:Ingestion:QuietPeriodSeconds</c>)
/// has passed since its last instance; then its manifest, the ledger's Completed and StudyReceived. The ledger knows a
/// study from its first instance, so a restart reopens it (<see cref="RecoverAsync"/>). A completion that fails (the
/// store or the ledger out of reach) is tried again every quiet period, never lost and never fatal to the service.
/// </summary>
public sealed partial class OpenStudies(StudyIntake intake, IOptions<IngestionOptions> options, TimeProvider time, ILogger<OpenStudies> logger)
{
    private readonly Dictionary<string, OpenStudy> _open = new(StringComparer.Ordinal);
    private readonly List<OpenStudy> _retrying = [];
    private readonly Lock _lock = new();

    private TimeSpan QuietPeriod => TimeSpan.FromSeconds(options.Value.QuietPeriodSeconds);

    /// <summary>
    /// Stores one instance under its open study (opened with a new StudyId if none is); false when the study already
    /// had it (stored once). The sender stays registered on the study until <see cref="SenderEnded"/>.
    /// </summary>
    /// <exception cref="Exception">The store or the ledger failed: nothing of the instance is kept, the sender may send it again.</exception>
    public async Task<(Guid StudyId, bool Stored)> AddAsync(Guid sender, string source, string studyInstanceUid, string sopInstanceUid, DicomFile file, ReadOnlyMemory<byte> part10, CancellationToken cancellationToken)
    {
        OpenStudy study;
        Task begun;
        lock (_lock)
        {
            if (!_open.TryGetValue(studyInstanceUid, out study!))
            {
                study = new OpenStudy(intake.NewStudyId(), studyInstanceUid) { TraceParent = Activity.Current?.Id };
                _open[studyInstanceUid] = study;
            }

            study.LastInstanceAt = time.GetTimestamp();
            study.Senders.Add(sender);
            study.Sources.Add(source);
            if (!study.Received.Add(sopInstanceUid))
            {
                return (study.StudyId, false);
            }

            // Until the ledger knows the study, a restart could not find it. One registration however many senders
            // bring its first instances at once; a failed one is tried again with the next instance.
            begun = study.Begun ??= intake.BeginAsync(study.StudyId, studyInstanceUid, source, CancellationToken.None);
        }

        try
        {
            await begun;
            var stored = await intake.StoreInstanceAsync(study.StudyId, file, part10, cancellationToken);
            lock (_lock)
            {
                study.Instances.Add(stored);
                study.LastInstanceAt = time.GetTimestamp();
            }

            return (study.StudyId, true);
        }
        catch
        {
            lock (_lock)
            {
                study.Received.Remove(sopInstanceUid);
                if (begun.IsFaulted && ReferenceEquals(study.Begun, begun))
                {
                    study.Begun = null;
                }
            }

            throw;
        }
    }

    /// <summary>A sender (an association, a STOW-RS request) is done: its studies' quiet period may now end them.</summary>
    public void SenderEnded(Guid sender)
    {
        lock (_lock)
        {
            foreach (var study in _open.Values)
            {
                study.Senders.Remove(sender);
            }
        }
    }

    /// <summary>Completes the studies no sender holds open that have been quiet for the quiet period, and retries failed completions; called every second.</summary>
    public async Task CompleteQuietStudiesAsync()
    {
        List<OpenStudy> complete;
        lock (_lock)
        {
            complete = _open.Values.Where(s => s.Senders.Count == 0 && time.GetElapsedTime(s.LastInstanceAt) >= QuietPeriod).ToList();
            foreach (var study in complete)
            {
                _open.Remove(study.StudyInstanceUid);
            }

            complete.AddRange(_retrying.Where(s => time.GetElapsedTime(s.LastInstanceAt) >= QuietPeriod));
            _retrying.RemoveAll(complete.Contains);
        }

        foreach (var study in complete)
        {
            try
            {
                await CompleteAsync(study);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCompletionFailed(logger, study.StudyId, ex.GetType().Name, QuietPeriod.TotalSeconds);
                lock (_lock)
                {
                    study.LastInstanceAt = time.GetTimestamp();
                    _retrying.Add(study);
                }
            }
        }
    }

    /// <summary>How many studies are open or waiting to complete.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _open.Count + _retrying.Count;
            }
        }
    }

    /// <summary>
    /// Reopens the studies a previous run was receiving when it stopped (begun in the ledger, never completed): their
    /// stored instances are read back and each study waits a quiet period again, so a sender that resends after the
    /// restart joins the same study (duplicates stored once) and the study is then reported once. Called before the
    /// service takes instances. Ingestion runs one replica: a second one would take over studies the first is receiving.
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

            var study = new OpenStudy(record.StudyId, record.StudyInstanceUid) { LastInstanceAt = time.GetTimestamp(), Begun = Task.CompletedTask };
            study.Instances.AddRange(instances);
            study.Received.UnionWith(instances.Select(i => i.SopInstanceUid));
            study.Sources.Add("recovered");
            lock (_lock)
            {
                if (!_open.TryAdd(record.StudyInstanceUid, study))
                {
                    _retrying.Add(study); // an instance of it came first under a new StudyId: each is completed with what it holds
                }
            }

            LogRecovered(logger, record.StudyId, instances.Count);
        }
    }

    private async Task CompleteAsync(OpenStudy study)
    {
        // One span per study, in the trace of the sender that brought its first instance.
        using var activity = SpineTelemetry.Source.StartActivity("study complete", ActivityKind.Internal, study.TraceParent);
        activity?.SetTag(SpineTelemetry.StudyIdTag, study.StudyId.ToString());
        activity?.SetTag("spine.instances", study.Instances.Count);
        var source = string.Join('+', study.Sources.Where(s => s != "recovered").DefaultIfEmpty("recovered"));
        if (study.Instances.Count > 0)
        {
            await intake.CompleteAsync(study.StudyId, study.StudyInstanceUid, [.. study.Instances], [], source, CancellationToken.None);
        }
        else
        {
            await intake.AbandonAsync(study.StudyId, study.StudyInstanceUid, "no-instances", "no instance of the study could be stored", CancellationToken.None);
        }
    }

    private sealed class OpenStudy(Guid studyId, string studyInstanceUid)
    {
        public Guid StudyId { get; } = studyId;
        public string StudyInstanceUid { get; } = studyInstanceUid;
        public HashSet<string> Received { get; } = new(StringComparer.Ordinal);
        public List<StoredInstance> Instances { get; } = [];

        /// <summary>Associations and STOW-RS requests that brought instances of it and are still open.</summary>
        public HashSet<Guid> Senders { get; } = [];

        /// <summary>"dimse", "stow-rs": how its instances came.</summary>
        public SortedSet<string> Sources { get; } = new(StringComparer.Ordinal);

        public long LastInstanceAt { get; set; }

        public string? TraceParent { get; init; }

        /// <summary>The ledger's record that the study's ingestion started: asked for once, awaited by every instance.</summary>
        public Task? Begun { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: {Instances} instances received before a restart, waiting for the rest")]
    private static partial void LogRecovered(ILogger logger, Guid studyId, int instances);

    [LoggerMessage(Level = LogLevel.Error, Message = "Study {StudyId} could not be completed ({Error}); tried again in {Seconds} s")]
    private static partial void LogCompletionFailed(ILogger logger, Guid studyId, string error, double seconds);
}
