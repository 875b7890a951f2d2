namespace Spine.Dicom;

/// <summary>
/// Type 1 (present, not empty) and type 2 (present, may be empty) attributes of the IODs the platform writes and
/// reads, from PS3.3 (MR Image: Patient, General Study, General Series, Frame of Reference, General Equipment,
/// General Image, Image Plane, Image Pixel, MR Image, SOP Common modules).
/// </summary>
public static class IodRequirements
{
    private static readonly (DicomTag Tag, int Type)[] Common =
    [
        (DicomTags.PatientName, 2), (DicomTags.PatientId, 2), (DicomTags.PatientBirthDate, 2), (DicomTags.PatientSex, 2),
        (DicomTags.StudyInstanceUid, 1), (DicomTags.StudyDate, 2), (DicomTags.StudyTime, 2), (DicomTags.ReferringPhysicianName, 2),
        (DicomTags.StudyId, 2), (DicomTags.AccessionNumber, 2), (DicomTags.Modality, 1), (DicomTags.SeriesInstanceUid, 1),
        (DicomTags.SeriesNumber, 2), (DicomTags.InstanceNumber, 2), (DicomTags.SopClassUid, 1), (DicomTags.SopInstanceUid, 1),
        (DicomTags.SamplesPerPixel, 1), (DicomTags.PhotometricInterpretation, 1), (DicomTags.Rows, 1), (DicomTags.Columns, 1),
        (DicomTags.BitsAllocated, 1), (DicomTags.BitsStored, 1), (DicomTags.HighBit, 1), (DicomTags.PixelRepresentation, 1),
        (DicomTags.PixelData, 1),
    ];

    public static IReadOnlyList<(DicomTag Tag, int Type)> MrImage { get; } =
    [
        .. Common,
        (DicomTags.FrameOfReferenceUid, 1), (DicomTags.PositionReferenceIndicator, 2), (DicomTags.Manufacturer, 2),
        (DicomTags.PixelSpacing, 1), (DicomTags.ImageOrientationPatient, 1), (DicomTags.ImagePositionPatient, 1), (DicomTags.SliceThickness, 2),
        (DicomTags.ImageType, 1), (DicomTags.ScanningSequence, 1), (DicomTags.SequenceVariant, 1), (DicomTags.ScanOptions, 2),
        (DicomTags.MrAcquisitionType, 2), (DicomTags.RepetitionTime, 2), (DicomTags.EchoTime, 2), (DicomTags.EchoTrainLength, 2),
    ];

    public static IReadOnlyList<(DicomTag Tag, int Type)> SecondaryCapture { get; } =
    [
        .. Common, (DicomTags.ConversionType, 1), (DicomTags.PatientOrientation, 2),
    ];

    /// <summary>What the data set lacks: one line per missing or empty required attribute; empty when it has all.</summary>
    public static IReadOnlyList<string> Check(DicomDataset dataset, IReadOnlyList<(DicomTag Tag, int Type)> requirements)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(requirements);
        var problems = new List<string>();
        foreach (var (tag, type) in requirements)
        {
            var keyword = DicomDictionary.Lookup(tag)?.Keyword ?? tag.ToString();
            if (!dataset.TryGetElement(tag, out var element))
            {
                problems.Add($"{tag} {keyword} (type {type}) is missing");
            }
            else if (type == 1 && element.Value.IsEmpty && element.Items is not { Count: > 0 } && element.Fragments is null)
            {
                problems.Add($"{tag} {keyword} (type 1) is empty");
            }
        }

        return problems;
    }
}
