using Spine.Contracts.V1;

namespace Spine.Platform.Messaging;

/// <summary>The StudyFailed that ends the study a message belongs to, written once for the stages and the bus's give-up.</summary>
public static class StudyFailedMessage
{
    public static StudyFailed For(IStudyMessage message, PipelineStage stage, string code, string reason, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(message);
        return For(message.StudyId, message.StudyInstanceUid, message.CorrelationId, stage, code, reason, time);
    }

    /// <summary>For a study known by its ledger record rather than a message (the correlation id is then the StudyId, as ingestion sets it).</summary>
    public static StudyFailed For(Guid studyId, string studyInstanceUid, Guid correlationId, PipelineStage stage, string code, string reason, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new StudyFailed
        {
            StudyId = studyId,
            StudyInstanceUid = studyInstanceUid,
            CorrelationId = correlationId,
            OccurredAt = time.GetUtcNow(),
            Stage = stage,
            Code = code,
            Reason = reason,
        };
    }
}
