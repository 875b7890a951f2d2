using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spine.Contracts.V1;

namespace Spine.Platform.Ledger;

/// <summary>
/// Ends the studies that outlive <c>Spine:Ledger:StudyDeadlineMinutes</c> (stuck behind a defect no retry can mend, a
/// message lost to an operator's purge): the stage they were in is recorded Failed with "deadline-exceeded" and
/// StudyFailed queued in the same transaction, so subscribers and the studies API see the study end with its reason.
/// A late message of such a study is then dropped by its stage. Every minute; replicas may run it together (one wins).
/// </summary>
public sealed partial class StudyDeadlines(IStudyLedger ledger, IOptions<LedgerOptions> options, TimeProvider time, ILogger<StudyDeadlines> logger) : BackgroundService
{
    public const string Code = "deadline-exceeded";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.StudyDeadlineMinutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            do
            {
                try
                {
                    await EndOverdueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCheckFailed(logger, ex.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped, or a host disposed without being stopped first: an end, not a failure the host should report.
        }
    }

    /// <summary>Ends every study past the deadline; returns how many this call ended.</summary>
    public async Task<int> EndOverdueAsync(CancellationToken cancellationToken)
    {
        var deadline = TimeSpan.FromMinutes(options.Value.StudyDeadlineMinutes);
        var ended = 0;
        foreach (var overdue in await ledger.ListOverdueAsync(time.GetUtcNow() - deadline, 100, cancellationToken))
        {
            var study = await ledger.FindAsync(overdue.StudyId, cancellationToken);
            if (study is null)
            {
                continue;
            }

            var last = study.Transitions.LastOrDefault();
            var stage = StageTransition.Awaited(last?.Stage, last?.Outcome);
            var reason = $"not completed within {deadline.TotalMinutes:0} minutes of its receipt; stuck in {stage}"
                + (last is null ? string.Empty : $" (last: {last.Stage} {last.Outcome} at {last.At:u})");
            var failed = Messaging.StudyFailedMessage.For(study.StudyId, study.StudyInstanceUid, study.StudyId, stage, Code, reason, time);
            if (await ledger.FinishStageAsync(study.StudyId, stage, StageOutcome.Failed, $"{Code}: {reason}", [failed], cancellationToken))
            {
                Hosting.StudyMetrics.StudyFailed(stage, Code);
                ended++;
                LogEnded(logger, study.StudyId, stage);
            }
        }

        return ended;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId} passed its deadline in {Stage}: ended with StudyFailed deadline-exceeded")]
    private static partial void LogEnded(ILogger logger, Guid studyId, PipelineStage stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study deadlines could not be checked ({Error}); tried again in a minute")]
    private static partial void LogCheckFailed(ILogger logger, string error);
}
