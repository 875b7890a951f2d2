using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Platform.Hosting;

namespace Spine.Platform.Ledger;

/// <summary>
/// Reads the ledger's backlog every <see cref="Interval"/> and exports, per stage, the studies that wait for it or are in
/// it (<c>spine.stage.backlog</c>) and how long the oldest of them has waited since its latest change
/// (<c>spine.stage.oldest_wait</c>): the age of the oldest piece of work before each service, whatever queue type,
/// transport or replica count carries it (a queue's own message age is not readable from a quorum queue). A stage with
/// no backlog reports 0. Run by one service (reporting), since the ledger is shared.
/// </summary>
public sealed partial class StudyBacklogMonitor(IStudyLedger ledger, TimeProvider time, ILogger<StudyBacklogMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    // One pair of instruments for the process; they report every running monitor (tests run several hosts in one process).
    private static readonly ConcurrentDictionary<StudyBacklogMonitor, bool> Running = new();

    private static readonly ObservableGauge<long> Backlog = SpineTelemetry.Meter.CreateObservableGauge("spine.stage.backlog",
        () => Observe(b => (long)b.Studies), "{study}", "Studies neither completed nor failed that wait for a stage or are in it, fleet-wide (from the ledger).");

    private static readonly ObservableGauge<double> OldestWait = SpineTelemetry.Meter.CreateObservableGauge("spine.stage.oldest_wait",
        () => Observe(b => b.Studies == 0 ? 0 : b.Age.TotalSeconds), "s", "How long the oldest study waiting for a stage (or in it) has done so since its latest change.");

    private volatile IReadOnlyList<(PipelineStage Stage, int Studies, TimeSpan Age)> _latest = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = (Backlog, OldestWait);
        Running[this] = true;
        try
        {
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                await ReadAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped, or a host disposed without being stopped first: an end, not a failure the host should report.
        }
        finally
        {
            Running.TryRemove(this, out _);
        }
    }

    /// <summary>Reads the backlog now; what the instruments report until the next read.</summary>
    public async Task<IReadOnlyList<(PipelineStage Stage, int Studies, TimeSpan Age)>> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var backlog = (await ledger.ListBacklogAsync(cancellationToken)).ToDictionary(b => b.Stage);
            _latest = [.. Enum.GetValues<PipelineStage>().Select(stage => backlog.TryGetValue(stage, out var b)
                ? (stage, b.Studies, now - b.OldestSince)
                : (stage, 0, TimeSpan.Zero))];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnreadable(logger, ex.GetType().Name); // the database's readiness check says the rest
        }

        return _latest;
    }

    private static IEnumerable<Measurement<T>> Observe<T>(Func<(PipelineStage Stage, int Studies, TimeSpan Age), T> value)
        where T : struct =>
        Running.Keys.SelectMany(monitor => monitor._latest)
            .Select(b => new Measurement<T>(value(b), new KeyValuePair<string, object?>(StudyMetrics.StageTag, StudyMetrics.StageName(b.Stage))));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Study backlog not read: the ledger is out of reach ({Error})")]
    private static partial void LogUnreadable(ILogger logger, string error);
}
