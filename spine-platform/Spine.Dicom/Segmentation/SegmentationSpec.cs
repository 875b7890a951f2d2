using Spine.Dicom.StructuredReporting;

namespace Spine.Dicom.Segmentation;

/// <summary>
/// One segment of a segmentation (PS3.3 C.8.20.2): its number, label, what it is (segmented property category and
/// type, coded) and the algorithm that found it.
/// </summary>
public sealed record SegmentDescription(int Number, string Label, Code Category, Code Type, string AlgorithmName);

/// <summary>
/// One frame: the pixels of one segment on one source image, in that image's grid (<see cref="Plane"/>), one byte per
/// pixel (0 outside, anything else inside), row after row.
/// </summary>
public sealed record SegmentationFrame(int SegmentNumber, SopReference Source, ImagePlane Plane, ReadOnlyMemory<byte> Mask);

/// <summary>What a Segmentation object holds besides its frames' pixels: where it sits in the study and what it was made from.</summary>
public sealed record SegmentationSpec
{
    public required StudyIdentity Study { get; init; }
    public required string SeriesInstanceUid { get; init; }
    public required int SeriesNumber { get; init; }
    public required string SeriesDescription { get; init; }
    public required string SopInstanceUid { get; init; }
    public required DateTime ContentDateTime { get; init; }

    /// <summary>A short upper-case label for the content (Content Label, CS: at most 16 characters of A-Z, 0-9, space, underscore).</summary>
    public required string ContentLabel { get; init; }

    public required string ContentDescription { get; init; }
    public required string Manufacturer { get; init; }
    public required string ManufacturerModelName { get; init; }
    public required string SoftwareVersions { get; init; }
    public required string DeviceSerialNumber { get; init; }

    /// <summary>The source series' frame of reference: the segmentation lies in the same patient space.</summary>
    public required string FrameOfReferenceUid { get; init; }

    public required string SourceSeriesInstanceUid { get; init; }

    /// <summary>
    /// Every source image the segmentation covers (also those where no segment is present), by stack: each stack a run
    /// of parallel slices (an angled slab) in slice order.
    /// </summary>
    public required IReadOnlyList<IReadOnlyList<SopReference>> SourceStacks { get; init; }

    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public required IReadOnlyList<SegmentDescription> Segments { get; init; }

    /// <summary>The frames, in the order they are written; a frame where a segment is absent may be left out.</summary>
    public required IReadOnlyList<SegmentationFrame> Frames { get; init; }
}

/// <summary>A Segmentation object as read back: its grid, segments and frames.</summary>
public sealed record SegmentationObject(int Rows, int Columns, string FrameOfReferenceUid, IReadOnlyList<SegmentDescription> Segments, IReadOnlyList<SegmentationFrame> Frames);
