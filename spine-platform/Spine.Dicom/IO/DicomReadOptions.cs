namespace Spine.Dicom;

public sealed record DicomReadOptions
{
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Stop before Pixel Data (7FE0,0010) at the top level: reads the header only.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>Largest inflated size of a deflated data set; a larger one is refused rather than allocated.</summary>
    public long MaxInflatedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Deepest nesting of sequences accepted.</summary>
    public int MaxSequenceDepth { get; init; } = 32;
}
