using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;
using Spine.Platform.Storage;

namespace Spine.Pipeline;

/// <summary>How a stage's work ended: the message for the next stage and a note for the ledger, or a failure with its code and reason.</summary>
public sealed record StageResult
{
    private StageResult(IStudyMessage? next, string detail, string? failureCode) => (Next, Detail, FailureCode) = (next, detail, failureCode);

    public IStudyMessage? Next { get; }

    /// <summary>The ledger's note on a completed stage, or the reason of a failure. Never patient data.</summary>
    public string Detail { get; }

    public string? FailureCode { get; }

    public static StageResult Completed(IStudyMessage next, string detail) => new(next ?? throw new ArgumentNullException(nameof(next)), detail, null);

    /// <summary>The study cannot go on: it ends in StudyFailed with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    public static StageResult Failed(string code, string reason) => new(null, reason, code);
}

/// <summary>
/// The one shape of every pipeline stage: a message whose stage already ended for the study (a redelivery after the
/// work was done, a repeat from upstream) is dropped; otherwise the ledger records Started, the stage does its work,
/// and its end (Completed with the next message, or Failed with StudyFailed) is recorded and queued for publishing in
/// one ledger transaction (the outbox), so a crash anywhere either redoes the stage or finds it done, never half of it.
/// An exception leaves the stage Started for the bus's retries (and, when they run out, the give-up filter). The input
/// is kept in storage (<see cref="StageInputs"/>) so that an operator can run the study again from this stage.
/// </summary>
public abstract partial class StudyStage<TMessage>(IStudyLedger ledger, TimeProvider time, ILogger logger) : IConsumer<TMessage>
    where TMessage : class, IStudyMessage
{
    protected abstract PipelineStage Stage { get; }

    /// <summary>Where the stage keeps its input for a re-run: the store it reads the study's objects from.</summary>
    protected abstract IObjectStore Store { get; }

    protected TimeProvider Time => time;

    /// <summary>True for the stage whose completion is the study's (reporting): its time since receipt is the study's latency.</summary>
    protected virtual bool CompletesStudy => false;

    /// <summary>The stage's work on one study.</summary>
    protected abstract Task<StageResult> RunAsync(TMessage message, CancellationToken cancellationToken);

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await ledger.IsStageFinishedAsync(message.StudyId, Stage, cancellationToken))
        {
            LogRepeat(logger, message.StudyId, Stage);
            return;
        }

        using var active = StudyMetrics.StageStarted(Stage);
        var started = time.GetTimestamp();
        await ledger.RecordAsync(message.StudyId, Stage, StageOutcome.Started, cancellationToken: cancellationToken);
        await StageInputs.SaveAsync(Store, Stage, message, cancellationToken);
        var result = await RunAsync(message, cancellationToken);
        var (outcome, detail, next) = result.FailureCode is { } code
            ? (StageOutcome.Failed, $"{code}: {result.Detail}", StudyFailedMessage.For(message, Stage, code, result.Detail, time))
            : (StageOutcome.Completed, result.Detail, result.Next!);
        if (!await ledger.FinishStageAsync(message.StudyId, Stage, outcome, detail, [next], cancellationToken))
        {
            LogRepeat(logger, message.StudyId, Stage); // another attempt finished it while this one worked
            return;
        }

        StudyMetrics.StageEnded(Stage, result.FailureCode is null, time.GetElapsedTime(started));
        if (result.FailureCode is { } failure)
        {
            StudyMetrics.StudyFailed(Stage, failure);
            LogFailed(logger, message.StudyId, Stage, failure);
        }
        else
        {
            if (CompletesStudy && await ledger.FindAsync(message.StudyId, cancellationToken) is { } study)
            {
                StudyMetrics.StudyCompleted(time.GetUtcNow() - study.CreatedAt);
            }

            LogCompleted(logger, message.StudyId, Stage, next.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId}: {Stage} already ended for it; the repeated message is dropped")]
    private static partial void LogRepeat(ILogger logger, Guid studyId, PipelineStage stage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId}: {Stage} completed, {Next} queued")]
    private static partial void LogCompleted(ILogger logger, Guid studyId, PipelineStage stage, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId} failed in {Stage}: {Code}")]
    private static partial void LogFailed(ILogger logger, Guid studyId, PipelineStage stage, string code);
}
