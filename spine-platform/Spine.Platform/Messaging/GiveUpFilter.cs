using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Platform.Ledger;

namespace Spine.Platform.Messaging;

/// <summary>
/// On the last attempt of an endpoint's retries and redeliveries: when a stage's message has failed them all (an outage that
/// outlasted them, a defect), the study is ended rather than left in progress for ever: StudyFailed is published with
/// the stage and code "retries-exhausted", and the ledger records the failure when it can be reached. The message
/// still goes to the error queue, for an operator to read and move back. Messages that start no stage (the report to
/// export, StudyFailed itself) pass through untouched.
/// </summary>
/// <param name="retries">Immediate retries after the first attempt.</param>
/// <param name="redeliveries">Delayed redeliveries after the immediate retries (0 where the transport cannot delay).</param>
internal sealed partial class GiveUpFilter(IServiceProvider services, int retries, int redeliveries) : IFilter<ConsumeContext>
{
    public const string Code = "retries-exhausted";

    public void Probe(ProbeContext context) => context.CreateFilterScope("spine-give-up");

    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && IsLastAttempt(context) && StageOf(context) is { } failed)
        {
            await EndStudyAsync(context, failed.Message, failed.Stage, ex);
            throw;
        }
    }

    private async Task EndStudyAsync(ConsumeContext context, IStudyMessage message, PipelineStage stage, Exception ex)
    {
        var logger = services.GetRequiredService<ILogger<GiveUpFilter>>();
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;

        // A study already reported (or failed) is not ended again by a late repeat of an earlier stage's message.
        var ledger = services.GetService<IStudyLedger>();
        if (ledger is not null && await FinishedAsync(ledger, message.StudyId))
        {
            LogAlreadyFinished(logger, message.StudyId, stage, ex.GetType().Name);
            return;
        }

        // The exception's type only: its message may carry a file name or a value from the study.
        var reason = $"{stage} gave up after every retry: {ex.GetType().Name}";
        await context.Publish(StudyFailedMessage.For(message, stage, Code, reason, time), CancellationToken.None);
        Hosting.StudyMetrics.StudyFailed(stage, Code);
        LogGaveUp(logger, message.StudyId, stage, ex.GetType().Name);
        if (ledger is not null)
        {
            try
            {
                await ledger.RecordAsync(message.StudyId, stage, StageOutcome.Failed, $"{Code}: {reason}", CancellationToken.None);
            }
            catch (Exception ledgerError) when (ledgerError is not OperationCanceledException)
            {
                LogLedgerUnreachable(logger, message.StudyId, ledgerError.GetType().Name);
            }
        }
    }

    private static async Task<bool> FinishedAsync(IStudyLedger ledger, Guid studyId)
    {
        try
        {
            return await ledger.FindAsync(studyId, CancellationToken.None) is { Status: StudyStatus.Completed or StudyStatus.Failed };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false; // the ledger is out of reach: ending the study is the safe side
        }
    }

    /// <summary>
    /// Whether this attempt is the last one: the filter sits inside the retry and redelivery filters (MassTransit puts
    /// them around the consumer), so it counts the attempts rather than relying on its place in the pipe.
    /// </summary>
    private bool IsLastAttempt(ConsumeContext context) => context.GetRetryAttempt() >= retries && context.GetRedeliveryCount() >= redeliveries;

    /// <summary>The stage a message starts, and the message; null for a message that starts none.</summary>
    private static (IStudyMessage Message, PipelineStage Stage)? StageOf(ConsumeContext context) =>
        context.TryGetMessage<StudyReceived>(out var received) ? (received.Message, PipelineStage.Preprocessing)
        : context.TryGetMessage<VolumePrepared>(out var prepared) ? (prepared.Message, PipelineStage.Segmentation)
        : context.TryGetMessage<SegmentationCompleted>(out var segmented) ? (segmented.Message, PipelineStage.Classification)
        : context.TryGetMessage<FindingsClassified>(out var classified) ? (classified.Message, PipelineStage.Explanation)
        : context.TryGetMessage<ExplanationsReady>(out var explained) ? (explained.Message, PipelineStage.Reporting)
        : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "Study {StudyId} failed in {Stage}: every retry failed ({Exception}); StudyFailed published, the message goes to the error queue")]
    private static partial void LogGaveUp(ILogger logger, Guid studyId, PipelineStage stage, string exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId} is already finished; a late {Stage} message failed every retry ({Exception}) and goes to the error queue without ending it again")]
    private static partial void LogAlreadyFinished(ILogger logger, Guid studyId, PipelineStage stage, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Study {StudyId}: the ledger could not record the failure ({Exception}); StudyFailed was published")]
    private static partial void LogLedgerUnreachable(ILogger logger, Guid studyId, string exception);
}
