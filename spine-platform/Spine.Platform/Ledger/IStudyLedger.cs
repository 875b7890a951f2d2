using Spine.Contracts.V1;

namespace Spine.Platform.Ledger;

/// <summary>Where each study is and how it got there; read by operations and the studies API.</summary>
public interface IStudyLedger
{
    /// <summary>Records a new study; registering the same StudyId again changes nothing (redelivered messages).</summary>
    Task RegisterAsync(Guid studyId, string studyInstanceUid, CancellationToken cancellationToken = default);

    /// <summary>Appends a stage transition and updates the study's status.</summary>
    Task RecordAsync(Guid studyId, PipelineStage stage, StageOutcome outcome, string? detail = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a stage for a study and queues what it publishes, in one transaction (the outbox): either both are
    /// recorded or neither. Returns false, recording and queueing nothing, when the stage already ended for the study or
    /// the study is already completed or failed (a redelivered message whose work another attempt finished).
    /// </summary>
    Task<bool> FinishStageAsync(Guid studyId, PipelineStage stage, StageOutcome outcome, string? detail, IReadOnlyList<IStudyMessage> publish, CancellationToken cancellationToken = default);

    /// <summary>Whether the stage already ended (completed or failed) for the study, or the study itself did.</summary>
    Task<bool> IsStageFinishedAsync(Guid studyId, PipelineStage stage, CancellationToken cancellationToken = default);

    /// <summary>The study with its transitions in the order they were recorded, or null.</summary>
    Task<StudyRecord?> FindAsync(Guid studyId, CancellationToken cancellationToken = default);

    /// <summary>Studies that started <paramref name="stage"/> and have neither completed nor failed it, oldest first.</summary>
    Task<IReadOnlyList<StudyRecord>> ListUnfinishedAsync(PipelineStage stage, CancellationToken cancellationToken = default);

    /// <summary>The studies received with this Study Instance UID, newest first, without their transitions.</summary>
    Task<IReadOnlyList<StudyRecord>> FindByStudyInstanceUidAsync(string studyInstanceUid, CancellationToken cancellationToken = default);

    /// <summary>Studies neither completed nor failed that were created before <paramref name="createdBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<StudyRecord>> ListOverdueAsync(DateTimeOffset createdBefore, int take, CancellationToken cancellationToken = default);

    /// <summary>Studies, newest first, without their transitions.</summary>
    Task<IReadOnlyList<StudyRecord>> ListAsync(int skip, int take, CancellationToken cancellationToken = default);
}
