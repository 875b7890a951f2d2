namespace Spine.Contracts.V1;

/// <summary>Facts about this version of the contracts.</summary>
public static class ContractInfo
{
    /// <summary>
    /// Schema version written into every <see cref="StudyReport"/> (1.1: slab levels and models on messages; 1.2: rejected
    /// files; 1.3: the manifest's reference on every message after <see cref="StudyReceived"/>; 1.4: the source
    /// instances of each slab and the image each level was read on).
    /// </summary>
    public const string ReportSchemaVersion = "1.4";

    /// <summary>Every message type of the chain, in pipeline order, then the failure event and the operator's resend request.</summary>
    public static IReadOnlyList<Type> MessageTypes { get; } =
    [
        typeof(StudyReceived),
        typeof(VolumePrepared),
        typeof(SegmentationCompleted),
        typeof(FindingsClassified),
        typeof(ExplanationsReady),
        typeof(StudyReportPublished),
        typeof(StudyFailed),
        typeof(ExportRequested),
    ];
}
