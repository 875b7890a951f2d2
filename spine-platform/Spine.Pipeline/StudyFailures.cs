using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;

namespace Spine.Pipeline;

/// <summary>Ends a study at a stage: the ledger records the failure and StudyFailed tells subscribers, with the same code and reason.</summary>
public static partial class StudyFailures
{
    public static async Task FailAsync<T>(ConsumeContext<T> context, IStudyLedger ledger, TimeProvider time, ILogger logger, PipelineStage stage, string code, string reason)
        where T : class, IStudyMessage
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(time);
        var message = context.Message;
        await ledger.RecordAsync(message.StudyId, stage, StageOutcome.Failed, $"{code}: {reason}", context.CancellationToken);
        await context.Publish(StudyFailedMessage.For(message, stage, code, reason, time), context.CancellationToken);
        LogFailed(logger, message.StudyId, stage, code);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId} failed in {Stage}: {Code}")]
    private static partial void LogFailed(ILogger logger, Guid studyId, PipelineStage stage, string code);
}
