using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Platform.Archive;

namespace Spine.Pipeline;

/// <summary>A stored DICOM instance as the archive indexes it, from its header.</summary>
public static class ArchiveEntries
{
    private static readonly DicomTag NumberOfFrames = new(0x0028, 0x0008);

    public static ArchivedInstance Of(Guid studyId, DicomDataset dataset, string transferSyntaxUid, ObjectRef stored)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(stored);
        string Text(DicomTag tag) => dataset.GetString(tag) ?? string.Empty;
        int? Number(DicomTag tag)
        {
            try
            {
                return dataset.GetInt32(tag);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or DicomFormatException)
            {
                return null; // a malformed number is not matched on; the instance is still archived
            }
        }

        return new ArchivedInstance
        {
            StudyId = studyId,
            StudyInstanceUid = Text(DicomTags.StudyInstanceUid),
            SeriesInstanceUid = Text(DicomTags.SeriesInstanceUid),
            SopInstanceUid = Text(DicomTags.SopInstanceUid),
            SopClassUid = Text(DicomTags.SopClassUid),
            TransferSyntaxUid = transferSyntaxUid,
            Modality = Text(DicomTags.Modality),
            PatientName = Text(DicomTags.PatientName),
            PatientId = Text(DicomTags.PatientId),
            PatientBirthDate = Text(DicomTags.PatientBirthDate),
            PatientSex = Text(DicomTags.PatientSex),
            StudyDate = Text(DicomTags.StudyDate),
            StudyTime = Text(DicomTags.StudyTime),
            AccessionNumber = Text(DicomTags.AccessionNumber),
            StudyDescription = Text(DicomTags.StudyDescription),
            StudyIdentifier = Text(DicomTags.StudyId),
            ReferringPhysicianName = Text(DicomTags.ReferringPhysicianName),
            SeriesDescription = Text(DicomTags.SeriesDescription),
            SeriesNumber = Number(DicomTags.SeriesNumber),
            InstanceNumber = Number(DicomTags.InstanceNumber),
            Rows = Number(DicomTags.Rows),
            Columns = Number(DicomTags.Columns),
            NumberOfFrames = Number(NumberOfFrames),
            Bucket = stored.Bucket,
            ObjectKey = stored.Key,
            Length = stored.Length,
            Sha256 = stored.Sha256,
        };
    }

    /// <summary>Where the archived instance's Part 10 file is.</summary>
    public static ObjectRef ObjectOf(ArchivedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new ObjectRef { Bucket = instance.Bucket, Key = instance.ObjectKey, ContentType = "application/dicom", Length = instance.Length, Sha256 = instance.Sha256 };
    }
}
