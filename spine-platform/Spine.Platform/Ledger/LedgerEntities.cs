using Spine.Contracts.V1;

namespace Spine.Platform.Ledger;

public enum StudyStatus
{
    Received,
    InProgress,
    Completed,
    Failed,
}

public enum StageOutcome
{
    Started,
    Completed,
    Failed,
}

/// <summary>One study as the ledger knows it. Holds the platform's StudyId and the DICOM UID, nothing about the patient.</summary>
public sealed class StudyRecord
{
    public Guid StudyId { get; set; }

    public required string StudyInstanceUid { get; set; }

    public StudyStatus Status { get; set; }

    /// <summary>The stage of the latest transition.</summary>
    public PipelineStage? Stage { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<StageTransition> Transitions { get; set; } = [];
}

/// <summary>A stage started, completed or failed a study, at a time taken from <see cref="TimeProvider"/>.</summary>
public sealed class StageTransition
{
    public long Id { get; set; }

    public Guid StudyId { get; set; }

    public PipelineStage Stage { get; set; }

    public StageOutcome Outcome { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>For failures: the code and reason; otherwise a short note. Never patient data.</summary>
    public string? Detail { get; set; }
}
