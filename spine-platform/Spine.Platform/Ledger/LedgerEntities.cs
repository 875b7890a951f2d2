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

    /// <summary>An operator asked for the study to run again from this stage: from here on, only what happens after counts.</summary>
    Rerun,
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

    /// <summary>
    /// The stage an unfinished study waits for or is in, given its latest transition: a stage started or re-run is the
    /// one at work; a stage completed hands the study to the next; no transition yet means ingestion has it.
    /// </summary>
    public static PipelineStage Awaited(PipelineStage? stage, StageOutcome? outcome) => (stage, outcome) switch
    {
        (null, _) or (_, null) => PipelineStage.Ingestion,
        ({ } done, StageOutcome.Completed) when done < PipelineStage.Reporting => done + 1,
        ({ } current, _) => current,
    };
}

/// <summary>Studies neither completed nor failed that wait for (or are in) one stage, and when the oldest of them last changed.</summary>
public sealed record StudyBacklog(PipelineStage Stage, int Studies, DateTimeOffset OldestSince);

/// <summary>One attempt to send a study's results to an export destination (a PACS or FHIR server) and how it ended.</summary>
public sealed class ExportAttempt
{
    public long Id { get; set; }

    public Guid StudyId { get; set; }

    /// <summary>The destination's configured name.</summary>
    public required string Destination { get; set; }

    public ExportOutcome Outcome { get; set; }

    /// <summary>1 for the first attempt of a send; counts up through the export's own retries.</summary>
    public int Attempt { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Why an attempt failed (the error's type and message: hosts and statuses, never patient data); null when stored.</summary>
    public string? Detail { get; set; }
}

public enum ExportOutcome
{
    Stored,

    /// <summary>Failed; the export tries again.</summary>
    Retrying,

    /// <summary>Failed on the last of the export's attempts; the bus's retries or an operator's resend may still send it.</summary>
    GaveUp,
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
