namespace Spine.Dicom;

/// <summary>
/// One data element. Binary values are held in little-endian order whatever the file's byte order; values are
/// slices of the buffer the file was read into, never copies (except where big-endian bytes had to be swapped).
/// </summary>
public sealed class DicomElement
{
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, long offset = -1)
    {
        Tag = tag;
        VR = vr;
        Value = value;
        Offset = offset;
    }

    private DicomElement(DicomTag tag, DicomVR vr, IReadOnlyList<DicomDataset>? items, IReadOnlyList<ReadOnlyMemory<byte>>? fragments, long offset)
    {
        Tag = tag;
        VR = vr;
        Items = items;
        Fragments = fragments;
        Offset = offset;
    }

    public static DicomElement Sequence(DicomTag tag, IReadOnlyList<DicomDataset> items, long offset = -1) => new(tag, DicomVR.SQ, items, null, offset);

    /// <summary>Encapsulated pixel data: the basic offset table (possibly empty) first, then the fragments.</summary>
    public static DicomElement Encapsulated(DicomTag tag, DicomVR vr, IReadOnlyList<ReadOnlyMemory<byte>> items, long offset = -1) => new(tag, vr, null, items, offset);

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    /// <summary>The value bytes (little endian); empty for sequences and encapsulated pixel data.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The items of a sequence; null for other elements.</summary>
    public IReadOnlyList<DicomDataset>? Items { get; }

    /// <summary>Encapsulated pixel data items: basic offset table first, then fragments; null for other elements.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Fragments { get; }

    /// <summary>Byte offset of the element's tag in the source; -1 for elements built in memory.</summary>
    public long Offset { get; }

    public bool IsSequence => Items is not null;

    public bool IsEncapsulated => Fragments is not null;

    public override string ToString() => $"{Tag} {VR} {(Items is not null ? $"{Items.Count} items" : Fragments is not null ? $"{Fragments.Count} fragments" : $"{Value.Length} bytes")}";
}
