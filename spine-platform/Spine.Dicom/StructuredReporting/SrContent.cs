using System.Globalization;

namespace Spine.Dicom.StructuredReporting;

/// <summary>A coded concept (PS3.3 8.8): code value, coding scheme designator and code meaning.</summary>
public sealed record Code(string Value, string Scheme, string Meaning)
{
    public override string ToString() => $"({Value}, {Scheme}, \"{Meaning}\")";
}

/// <summary>How a content item relates to its parent (PS3.3 C.17.3.2.4).</summary>
public enum SrRelationship
{
    Contains,
    HasObservationContext,
    HasConceptModifier,
    HasProperties,
    InferredFrom,
}

/// <summary>
/// One content item of an SR document tree (PS3.3 C.17.3): its relationship to its parent, its concept name, its value
/// by type, and its children. The tree is built from these records and encoded by <see cref="SrDocument"/>.
/// </summary>
public abstract record SrItem(SrRelationship Relationship, Code Name)
{
    public IReadOnlyList<SrItem> Children { get; init; } = [];

    internal abstract string ValueType { get; }

    /// <summary>Writes the value of the item (not its relationship, name or children) into <paramref name="item"/>.</summary>
    internal abstract void WriteValue(DicomDataset item);
}

/// <summary>A CONTAINER: its children, as separate items.</summary>
public sealed record SrContainer(SrRelationship Relationship, Code Name) : SrItem(Relationship, Name)
{
    internal override string ValueType => "CONTAINER";

    internal override void WriteValue(DicomDataset item) => item.SetString(SrTags.ContinuityOfContent, DicomVR.CS, "SEPARATE");
}

/// <summary>A CODE item: a coded answer to its concept name.</summary>
public sealed record SrCode(SrRelationship Relationship, Code Name, Code Value) : SrItem(Relationship, Name)
{
    internal override string ValueType => "CODE";

    internal override void WriteValue(DicomDataset item) => item.SetSequence(SrTags.ConceptCodeSequence, SrDocument.CodeItem(Value, item));
}

/// <summary>A NUM item: a number with its UCUM unit.</summary>
public sealed record SrNumber(SrRelationship Relationship, Code Name, double Value, Code Unit) : SrItem(Relationship, Name)
{
    internal override string ValueType => "NUM";

    internal override void WriteValue(DicomDataset item)
    {
        var measured = new DicomDataset(item)
            .SetString(SrTags.NumericValue, DicomVR.DS, Value.ToString("0.####", CultureInfo.InvariantCulture));
        measured.SetSequence(SrTags.MeasurementUnitsCodeSequence, SrDocument.CodeItem(Unit, measured));
        item.SetSequence(SrTags.MeasuredValueSequence, measured);
    }
}

/// <summary>A TEXT item.</summary>
public sealed record SrText(SrRelationship Relationship, Code Name, string Value) : SrItem(Relationship, Name)
{
    internal override string ValueType => "TEXT";

    internal override void WriteValue(DicomDataset item) => item.SetString(SrTags.TextValue, DicomVR.UT, Value);
}

/// <summary>A UIDREF item.</summary>
public sealed record SrUid(SrRelationship Relationship, Code Name, string Value) : SrItem(Relationship, Name)
{
    internal override string ValueType => "UIDREF";

    internal override void WriteValue(DicomDataset item) => item.SetString(SrTags.Uid, DicomVR.UI, Value);
}

/// <summary>An IMAGE item: a reference to an image (and a frame of it, or segments of a segmentation).</summary>
public sealed record SrImage(SrRelationship Relationship, Code Name, SopReference Image) : SrItem(Relationship, Name)
{
    internal override string ValueType => "IMAGE";

    internal override void WriteValue(DicomDataset item) => item.SetSequence(SrTags.ReferencedSopSequence, Image.ToItem(item));
}

/// <summary>A referenced SOP instance, with the frame or segment it points at when it points at part of it.</summary>
public sealed record SopReference(string SopClassUid, string SopInstanceUid, int? Frame = null, int? Segment = null)
{
    internal DicomDataset ToItem(DicomDataset parent)
    {
        var item = new DicomDataset(parent)
            .SetString(SrTags.ReferencedSopClassUid, DicomVR.UI, SopClassUid)
            .SetString(SrTags.ReferencedSopInstanceUid, DicomVR.UI, SopInstanceUid);
        if (Frame is { } frame)
        {
            item.SetNumbers(SrTags.ReferencedFrameNumber, DicomVR.IS, frame);
        }

        if (Segment is { } segment)
        {
            item.SetNumbers(SrTags.ReferencedSegmentNumber, DicomVR.US, segment);
        }

        return item;
    }
}
