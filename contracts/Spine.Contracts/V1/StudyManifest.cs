namespace Spine.Contracts.V1;

/// <summary>The stored list of a study's instances, pointed to by <see cref="StudyReceived.Manifest"/>.</summary>
public sealed record StudyManifest
{
    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required IReadOnlyList<StoredInstance> Instances { get; init; }
    public required IReadOnlyList<RejectedFile> RejectedFiles { get; init; }
}

public sealed record StoredInstance
{
    public required string SeriesInstanceUid { get; init; }
    public required string SopInstanceUid { get; init; }
    public required string SopClassUid { get; init; }
    public required string TransferSyntaxUid { get; init; }
    public required ObjectRef Object { get; init; }
}

/// <summary>A file that was skipped, and why (file name within the study, byte offset and tag where known).</summary>
public sealed record RejectedFile
{
    public required string Name { get; init; }
    public required string Reason { get; init; }
}

/// <summary>Consecutive slices of one disc level, indices into the prepared volume.</summary>
public sealed record SliceSlab
{
    public required int FirstSlice { get; init; }
    public required int SliceCount { get; init; }
}
