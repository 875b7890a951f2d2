namespace Spine.Contracts.V1;

/// <summary>Ingestion stored a study's instances; the manifest lists them.</summary>
public sealed record StudyReceived : IStudyMessage
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>How the study arrived: "folder", "dimse" or "stow-rs".</summary>
    public required string Source { get; init; }

    /// <summary>A <see cref="StudyManifest"/> as JSON.</summary>
    public required ObjectRef Manifest { get; init; }

    public required int InstanceCount { get; init; }

    /// <summary>Files that were not DICOM or could not be read; listed in the manifest, never fatal to the rest.</summary>
    public required int RejectedFileCount { get; init; }
}

/// <summary>Preprocessing chose a series and stored it as a volume ready for the segmenter.</summary>
public sealed record VolumePrepared : IStudyMessage
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    public required string SeriesInstanceUid { get; init; }

    /// <summary>Why this series was chosen (orientation, weighting, description), for the record.</summary>
    public required string SelectionReason { get; init; }

    /// <summary>NIfTI-1 volume resampled and normalised as the model expects.</summary>
    public required ObjectRef Volume { get; init; }

    /// <summary>Groups of consecutive slices angled to one disc, caudal first.</summary>
    public required IReadOnlyList<SliceSlab> Slabs { get; init; }

    /// <summary>The study's manifest, as <see cref="StudyReceived.Manifest"/> named it (added in 1.3; null from older senders).</summary>
    public ObjectRef? Manifest { get; init; }

    /// <summary>Every series of the study and what series selection decided about it (added in 1.3; null from older senders).</summary>
    public IReadOnlyList<SeriesDecision>? Series { get; init; }
}

/// <summary>The segmenter wrote a label map for the volume.</summary>
public sealed record SegmentationCompleted : IStudyMessage
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    public required ObjectRef Volume { get; init; }

    /// <summary>NIfTI-1 label map: 0 background, 1 disc, 2 posterior element, 3 dural sac, 4 canal and foramina region.</summary>
    public required ObjectRef LabelMap { get; init; }

    public required IReadOnlyList<SliceSlab> Slabs { get; init; }

    public required ModelInfo Model { get; init; }

    /// <summary>The series analysed, from <see cref="VolumePrepared"/> (added in 1.1; null from older senders).</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>The study's manifest, as <see cref="StudyReceived.Manifest"/> named it (added in 1.3; null from older senders).</summary>
    public ObjectRef? Manifest { get; init; }

    /// <summary>Every series of the study and what series selection decided about it (added in 1.3; null from older senders).</summary>
    public IReadOnlyList<SeriesDecision>? Series { get; init; }
}

/// <summary>Every level is measured and graded.</summary>
public sealed record FindingsClassified : IStudyMessage
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    public required ObjectRef Volume { get; init; }
    public required ObjectRef LabelMap { get; init; }
    public required IReadOnlyList<LevelReport> Levels { get; init; }

    /// <summary>The series analysed (added in 1.1; null from older senders).</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>Every model that contributed so far, the segmenter included (added in 1.1; null from older senders).</summary>
    public IReadOnlyList<ModelInfo>? Models { get; init; }

    /// <summary>The study's manifest, as <see cref="StudyReceived.Manifest"/> named it (added in 1.3; null from older senders).</summary>
    public ObjectRef? Manifest { get; init; }

    /// <summary>Every series of the study and what series selection decided about it (added in 1.3; null from older senders).</summary>
    public IReadOnlyList<SeriesDecision>? Series { get; init; }
}

/// <summary>Every grade has its rationale, heat map and overlay.</summary>
public sealed record ExplanationsReady : IStudyMessage
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    public required IReadOnlyList<LevelReport> Levels { get; init; }

    /// <summary>The series analysed (added in 1.1; null from older senders).</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>Every model that contributed (added in 1.1; null from older senders).</summary>
    public IReadOnlyList<ModelInfo>? Models { get; init; }

    /// <summary>The study's manifest, as <see cref="StudyReceived.Manifest"/> named it (added in 1.3; null from older senders).</summary>
    public ObjectRef? Manifest { get; init; }

    /// <summary>Every series of the study and what series selection decided about it (added in 1.3; null from older senders).</summary>
    public IReadOnlyList<SeriesDecision>? Series { get; init; }
}

/// <summary>The public result event: downstream systems subscribe to this one.</summary>
public sealed record StudyReportPublished : IStudyMessage
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    public required StudyReport Report { get; init; }

    /// <summary>The same report as a JSON document in storage.</summary>
    public required ObjectRef ReportJson { get; init; }

    /// <summary>A self-contained HTML page for people.</summary>
    public required ObjectRef ReportHtml { get; init; }

    /// <summary>The study's manifest, as <see cref="StudyReceived.Manifest"/> named it (added in 1.3; null from older senders).</summary>
    public ObjectRef? Manifest { get; init; }
}

/// <summary>
/// An operator asked for a reported study's results to be sent again, to one export destination or to every one:
/// reporting's export reads the stored report and result objects. Subscribers of results do not receive it.
/// </summary>
public sealed record ExportRequested : IStudyMessage
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The destination's configured name; null for every configured destination.</summary>
    public string? Destination { get; init; }

    /// <summary>Who asked (the API key's or the token's name), for the record.</summary>
    public required string RequestedBy { get; init; }
}

/// <summary>A stage could not finish a study. Nothing is dropped silently: every failure becomes one of these.</summary>
public sealed record StudyFailed : IStudyMessage
{
    public required Guid StudyId { get; init; }

    /// <summary>Empty when the failure came before the UID was known (an unreadable study).</summary>
    public required string StudyInstanceUid { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    public required PipelineStage Stage { get; init; }

    /// <summary>Stable, machine-readable kebab-case code, for example "no-axial-t2-series".</summary>
    public required string Code { get; init; }

    /// <summary>For people: what went wrong and what it concerned (file, tag, setting). Never patient data.</summary>
    public required string Reason { get; init; }
}
