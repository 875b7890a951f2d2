namespace Spine.Contracts.V1;

/// <summary>Facts about this version of the contracts.</summary>
public static class ContractInfo
{
    /// <summary>Schema version written into every <see cref="StudyReport"/>.</summary>
    public const string ReportSchemaVersion = "1.0";

    /// <summary>Every message type of the chain, in pipeline order, ending with the failure event.</summary>
    public static IReadOnlyList<Type> MessageTypes { get; } =
    [
        typeof(StudyReceived),
        typeof(VolumePrepared),
        typeof(SegmentationCompleted),
        typeof(FindingsClassified),
        typeof(ExplanationsReady),
        typeof(StudyReportPublished),
        typeof(StudyFailed),
    ];
}
