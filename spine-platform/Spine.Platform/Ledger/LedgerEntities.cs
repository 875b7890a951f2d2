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

    /// <summary>Raised by every change: two processes that change one study at once cannot both win (a concurrency token).</summary>
    public int Version { get; set; }

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

/// <summary>
/// A message a stage's ledger change committed together with (the transactional outbox): the relay publishes it, then
/// marks it sent. Holds what the message holds (a Study Instance UID) and so is kept no longer than a day after sending.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The MassTransit MessageId it is published with, the same on every attempt.</summary>
    public Guid MessageId { get; set; }

    public Guid StudyId { get; set; }

    /// <summary>The contract's full type name (Spine.Contracts.V1.StudyReceived).</summary>
    public required string MessageType { get; set; }

    /// <summary>The message as the contracts' JSON.</summary>
    public required string Body { get; set; }

    /// <summary>The W3C trace parent of the stage that wrote it, so that the published message continues the study's trace.</summary>
    public string? TraceParent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A relay has claimed it until then; another may take it over afterwards (the first one died).</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}
