namespace Spine.Dicom.StructuredReporting;

/// <summary>The attributes of SR documents and their content items (PS3.3 C.17), and of references to instances.</summary>
internal static class SrTags
{
    public static readonly DicomTag CodeValue = new(0x0008, 0x0100);
    public static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    public static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
    public static readonly DicomTag MappingResource = new(0x0008, 0x0105);
    public static readonly DicomTag LongCodeValue = new(0x0008, 0x0119);
    public static readonly DicomTag ReferencedSopSequence = new(0x0008, 0x1199);
    public static readonly DicomTag ReferencedSopClassUid = new(0x0008, 0x1150);
    public static readonly DicomTag ReferencedSopInstanceUid = new(0x0008, 0x1155);
    public static readonly DicomTag ReferencedSeriesSequence = new(0x0008, 0x1115);
    public static readonly DicomTag ReferencedPerformedProcedureStepSequence = new(0x0008, 0x1111);
    public static readonly DicomTag ContentSequence = new(0x0040, 0xA730);
    public static readonly DicomTag ReferencedFrameNumber = new(0x0008, 0x1160);
    public static readonly DicomTag ReferencedSegmentNumber = new(0x0062, 0x000B);
    public static readonly DicomTag RelationshipType = new(0x0040, 0xA010);
    public static readonly DicomTag ValueType = new(0x0040, 0xA040);
    public static readonly DicomTag ConceptNameCodeSequence = new(0x0040, 0xA043);
    public static readonly DicomTag ContinuityOfContent = new(0x0040, 0xA050);
    public static readonly DicomTag Uid = new(0x0040, 0xA124);
    public static readonly DicomTag TextValue = new(0x0040, 0xA160);
    public static readonly DicomTag ConceptCodeSequence = new(0x0040, 0xA168);
    public static readonly DicomTag MeasuredValueSequence = new(0x0040, 0xA300);
    public static readonly DicomTag NumericValue = new(0x0040, 0xA30A);
    public static readonly DicomTag MeasurementUnitsCodeSequence = new(0x0040, 0x08EA);
    public static readonly DicomTag PerformedProcedureCodeSequence = new(0x0040, 0xA372);
    public static readonly DicomTag CurrentRequestedProcedureEvidenceSequence = new(0x0040, 0xA375);
    public static readonly DicomTag CompletionFlag = new(0x0040, 0xA491);
    public static readonly DicomTag VerificationFlag = new(0x0040, 0xA493);
    public static readonly DicomTag ContentTemplateSequence = new(0x0040, 0xA504);
    public static readonly DicomTag TemplateIdentifier = new(0x0040, 0xDB00);
}
