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

    /// <summary>
    /// The studies neither completed nor failed, by the stage each waits for or is in (<see cref="StageTransition.Awaited"/>),
    /// with the time of each one's latest change: how much work every stage has before it, and how long the oldest has waited.
    /// </summary>
    Task<IReadOnlyList<StudyBacklog>> ListBacklogAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reopens a completed or failed study to run again from <paramref name="from"/>: records a Rerun transition naming
    /// who asked, and queues <paramref name="input"/> (that stage's input message) in the same transaction. Stages from
    /// <paramref name="from"/> on then count as not yet run. A study still in progress is left as it is.
    /// </summary>
    Task<RerunOutcome> RequestRerunAsync(Guid studyId, PipelineStage from, string requestedBy, IStudyMessage input, CancellationToken cancellationToken = default);

    /// <summary>Records how one attempt to send a study's results to a destination ended (the detail cut to 500 characters).</summary>
    Task RecordExportAsync(Guid studyId, string destination, ExportOutcome outcome, int attempt, string? detail, CancellationToken cancellationToken = default);

    /// <summary>A study's export attempts, oldest first.</summary>
    Task<IReadOnlyList<ExportAttempt>> ListExportsAsync(Guid studyId, CancellationToken cancellationToken = default);

    /// <summary>Studies, newest first, without their transitions.</summary>
    Task<IReadOnlyList<StudyRecord>> ListAsync(int skip, int take, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the studies of one status (or any) received in [from, to) (either bound open), newest first, with their
    /// transitions in order, and how many studies match in all: the console's worklist.
    /// </summary>
    Task<(IReadOnlyList<StudyRecord> Page, int Total)> ListWithTransitionsAsync(StudyStatus? status, DateTimeOffset? from, DateTimeOffset? to, int skip, int take, CancellationToken cancellationToken = default);
}

/// <summary>What became of a request to run a study again.</summary>
public enum RerunOutcome
{
    Queued,
    NotFound,

    /// <summary>The study is still in progress: it is not run twice at once.</summary>
    InProgress,
}
