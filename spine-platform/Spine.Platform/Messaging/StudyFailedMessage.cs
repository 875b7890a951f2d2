using Spine.Contracts.V1;

namespace Spine.Platform.Messaging;

/// <summary>The StudyFailed that ends the study a message belongs to, written once for the stages and the bus's give-up.</summary>
public static class StudyFailedMessage
{
    public static StudyFailed For(IStudyMessage message, PipelineStage stage, string code, string reason, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(time);
        return new StudyFailed
        {
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            CorrelationId = message.CorrelationId,
            OccurredAt = time.GetUtcNow(),
            Stage = stage,
            Code = code,
            Reason = reason,
        };
    }
}
