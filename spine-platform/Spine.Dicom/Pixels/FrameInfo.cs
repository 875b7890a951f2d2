namespace Spine.Dicom;

/// <summary>What a decoder must produce for one frame: its dimensions and sample layout.</summary>
public sealed record FrameInfo(int Rows, int Columns, int SamplesPerPixel, int BitsAllocated, int BitsStored, bool Signed, int PlanarConfiguration)
{
    public int BytesPerSample => (BitsAllocated + 7) / 8;

    public long Length => (long)Rows * Columns * SamplesPerPixel * BytesPerSample;
}

/// <summary>A frame could not be decoded, or its codec is not installed; the message says which and why.</summary>
public sealed class DicomCodecException : Exception
{
    public DicomCodecException(string message) : base(message) { }

    public DicomCodecException(string message, Exception innerException) : base(message, innerException) { }

    public DicomCodecException() { }
}
