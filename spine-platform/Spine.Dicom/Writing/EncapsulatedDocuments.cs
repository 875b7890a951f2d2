using System.Globalization;

namespace Spine.Dicom;

/// <summary>Encapsulated PDF objects (PS3.3 A.45.1): a PDF in the patient's study, as PACS store documents.</summary>
public static class EncapsulatedDocuments
{
    public const string EncapsulatedPdfStorage = "1.2.840.10008.5.1.4.1.1.104.1";

    private static readonly DicomTag BurnedInAnnotation = new(0x0028, 0x0301);
    private static readonly DicomTag DocumentTitle = new(0x0042, 0x0010);
    private static readonly DicomTag EncapsulatedDocument = new(0x0042, 0x0011);
    private static readonly DicomTag MimeType = new(0x0042, 0x0012);
    private static readonly DicomTag EncapsulatedDocumentLength = new(0x0042, 0x0015);
    private static readonly DicomTag ConceptNameCodeSequence = new(0x0040, 0xA043);
    private static readonly DicomTag AcquisitionDateTime = new(0x0008, 0x002A);

    /// <summary>The PDF as an Encapsulated PDF data set (modality DOC, conversion type SD: a synthetic document).</summary>
    public static DicomDataset Pdf(StudyIdentity study, string seriesInstanceUid, int seriesNumber, string seriesDescription, string sopInstanceUid,
        string title, DateTime createdAt, ReadOnlyMemory<byte> pdf)
    {
        ArgumentNullException.ThrowIfNull(study);
        var dataset = ImageBuilders.Common(study, EncapsulatedPdfStorage, sopInstanceUid, "DOC", seriesInstanceUid, seriesNumber, seriesDescription, 1)
            .SetString(DicomTags.ContentDate, DicomVR.DA, createdAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture))
            .SetString(DicomTags.ContentTime, DicomVR.TM, createdAt.ToString("HHmmss", CultureInfo.InvariantCulture))
            .SetString(AcquisitionDateTime, DicomVR.DT, createdAt.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture))
            .SetString(DicomTags.Manufacturer, DicomVR.LO, "Spine Platform")
            .SetString(DicomTags.ConversionType, DicomVR.CS, "SD")
            .SetString(BurnedInAnnotation, DicomVR.CS, "YES")
            .SetString(DocumentTitle, DicomVR.ST, title)
            .SetSequence(ConceptNameCodeSequence)
            .SetString(MimeType, DicomVR.LO, "application/pdf")
            .SetNumbers(EncapsulatedDocumentLength, DicomVR.UL, pdf.Length)
            .SetBytes(EncapsulatedDocument, DicomVR.OB, pdf);
        dataset.Remove(DicomTags.SeriesDate);
        dataset.Remove(DicomTags.SeriesTime);
        return dataset;
    }
}
