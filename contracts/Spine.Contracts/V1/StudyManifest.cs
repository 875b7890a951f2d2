using System.Text.Json.Serialization;
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

    /// <summary>The level this slab was named as (from the sacrum up); null above L1-L2 or before naming.</summary>
    public SpinalLevel? Level { get; init; }

    /// <summary>True when the level name is uncertain (fewer or more than five disc slabs were found).</summary>
    public bool LevelUncertain { get; init; }

    /// <summary>
    /// This slab alone as NIfTI-1 with its own affine. Slabs are angled to their discs and one affine cannot hold them
    /// all, so geometry comes from here; the message's stacked volume is for display. Null before preprocessing.
    /// </summary>
    public ObjectRef? Volume { get; init; }

    /// <summary>
    /// True for one contiguous axial stack through several levels rather than a slab angled to one disc: segmentation
    /// finds the discs along it and splits it into one named slab per level, so no message after segmentation carries
    /// it. Added after 1.4; absent (false) for angled slabs and from older senders.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ContiguousStack { get; init; }

    /// <summary>The slab's label map (NIfTI-1, same grid as <see cref="Volume"/>); null before segmentation.</summary>
    public ObjectRef? LabelMap { get; init; }

    /// <summary>
    /// How sure the segmenter was: its mean probability of the label it chose, over the pixels it called dural sac or
    /// disc (0 to 1; added in 1.3; null before segmentation or from older senders).
    /// </summary>
    public double? SegmentationConfidence { get; init; }

    /// <summary>
    /// The source instances the slab's slices were made from, in slice order (slice k of the slab is instance k): how a
    /// result finds its way back to the image in PACS. Added in 1.4; null from older senders.
    /// </summary>
    public IReadOnlyList<SourceInstance>? Instances { get; init; }
}

/// <summary>One instance of the source series, as PACS knows it. Added in 1.4.</summary>
public sealed record SourceInstance
{
    public required string SopInstanceUid { get; init; }
    public required string SopClassUid { get; init; }

    /// <summary>Instance Number (0020,0013) as the modality wrote it; 0 when it had none.</summary>
    public required int InstanceNumber { get; init; }

    /// <summary>Where the slice lies along the slab's normal, in mm (Image Position Patient projected on it), as viewers show it.</summary>
    public required double SlicePositionMm { get; init; }
}

/// <summary>What series selection decided about one series of the study, and why (added in 1.3).</summary>
public sealed record SeriesDecision
{
    public required string SeriesInstanceUid { get; init; }
    public int? SeriesNumber { get; init; }
    public required string Description { get; init; }

    /// <summary>True for the series the study was read on.</summary>
    public required bool Used { get; init; }

    /// <summary>Why it was used or turned away, for example "sagittal" or "1 image: too few for an axial lumbar series".</summary>
    public required string Reason { get; init; }
}
