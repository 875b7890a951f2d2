using System.Globalization;
using System.Runtime.InteropServices;

namespace Spine.Dicom;

/// <summary>Patient and study attributes that every image of a study repeats.</summary>
public sealed record StudyIdentity
{
    public required string PatientName { get; init; }
    public required string PatientId { get; init; }
    public string PatientBirthDate { get; init; } = "";
    public string PatientSex { get; init; } = "O";
    public required string StudyInstanceUid { get; init; }
    public required DateTime StudyDateTime { get; init; }
    public string StudyDescription { get; init; } = "";
    public string AccessionNumber { get; init; } = "";
    public string StudyId { get; init; } = "1";
    public string ReferringPhysicianName { get; init; } = "";
}

/// <summary>One MR image (MR Image Storage, PS3.3 A.4): geometry, acquisition and 16-bit unsigned pixels.</summary>
public sealed record MrImageSpec
{
    public required StudyIdentity Study { get; init; }
    public required string SeriesInstanceUid { get; init; }
    public int SeriesNumber { get; init; } = 1;
    public string SeriesDescription { get; init; } = "";
    public required string FrameOfReferenceUid { get; init; }
    public string SopInstanceUid { get; init; } = DicomUid.Generate();
    public int InstanceNumber { get; init; } = 1;

    /// <summary>x, y, z of the centre of the first transmitted voxel, in mm (LPS patient coordinates).</summary>
    public required IReadOnlyList<double> ImagePositionPatient { get; init; }

    /// <summary>Direction cosines of the rows, then of the columns.</summary>
    public required IReadOnlyList<double> ImageOrientationPatient { get; init; }

    /// <summary>Row spacing (between rows), then column spacing, in mm.</summary>
    public required IReadOnlyList<double> PixelSpacing { get; init; }

    public required double SliceThickness { get; init; }
    public double? SpacingBetweenSlices { get; init; }
    public double RepetitionTime { get; init; } = 4000;
    public double EchoTime { get; init; } = 100;
    public int EchoTrainLength { get; init; } = 16;
    public double MagneticFieldStrength { get; init; } = 1.5;
    public string ScanningSequence { get; init; } = "SE";
    public string SequenceVariant { get; init; } = "SK";
    public string ScanOptions { get; init; } = "";
    public string MrAcquisitionType { get; init; } = "2D";
    public IReadOnlyList<string> ImageType { get; init; } = ["ORIGINAL", "PRIMARY", "OTHER"];
    public string BodyPartExamined { get; init; } = "LSPINE";
    public string Manufacturer { get; init; } = "Spine Platform";
    public string ManufacturerModelName { get; init; } = "Synthetic phantom";
    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public int BitsStored { get; init; } = 12;

    /// <summary>Rows x Columns stored values, row after row.</summary>
    public required ReadOnlyMemory<ushort> Pixels { get; init; }
}

/// <summary>Builds data sets for the objects the platform writes: MR images (phantoms) and secondary captures (result images).</summary>
public static class ImageBuilders
{
    private static readonly DicomTag Laterality = new(0x0020, 0x0060);

    public static DicomDataset MrImage(MrImageSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Pixels.Length != spec.Rows * spec.Columns)
        {
            throw new ArgumentException($"{spec.Pixels.Length} pixel values given for a {spec.Columns}x{spec.Rows} image.", nameof(spec));
        }

        var dataset = Common(spec.Study, SopClasses.MrImageStorage, spec.SopInstanceUid, "MR", spec.SeriesInstanceUid, spec.SeriesNumber, spec.SeriesDescription, spec.InstanceNumber);
        dataset.SetStrings(DicomTags.ImageType, DicomVR.CS, spec.ImageType)
            .SetString(DicomTags.Manufacturer, DicomVR.LO, spec.Manufacturer)
            .SetString(DicomTags.ManufacturerModelName, DicomVR.LO, spec.ManufacturerModelName)
            .SetString(new DicomTag(0x0018, 0x0015), DicomVR.CS, spec.BodyPartExamined)
            .SetStrings(DicomTags.ScanningSequence, DicomVR.CS, spec.ScanningSequence)
            .SetStrings(DicomTags.SequenceVariant, DicomVR.CS, spec.SequenceVariant)
            .SetString(DicomTags.ScanOptions, DicomVR.CS, spec.ScanOptions)
            .SetString(DicomTags.MrAcquisitionType, DicomVR.CS, spec.MrAcquisitionType)
            .SetNumbers(DicomTags.SliceThickness, DicomVR.DS, spec.SliceThickness)
            .SetNumbers(DicomTags.RepetitionTime, DicomVR.DS, spec.RepetitionTime)
            .SetNumbers(DicomTags.EchoTime, DicomVR.DS, spec.EchoTime)
            .SetNumbers(DicomTags.MagneticFieldStrength, DicomVR.DS, spec.MagneticFieldStrength)
            .SetNumbers(DicomTags.EchoTrainLength, DicomVR.IS, spec.EchoTrainLength)
            .SetString(DicomTags.FrameOfReferenceUid, DicomVR.UI, spec.FrameOfReferenceUid)
            .SetString(DicomTags.PositionReferenceIndicator, DicomVR.LO, "")
            .SetNumbers(DicomTags.ImagePositionPatient, DicomVR.DS, spec.ImagePositionPatient)
            .SetNumbers(DicomTags.ImageOrientationPatient, DicomVR.DS, spec.ImageOrientationPatient)
            .SetNumbers(DicomTags.PixelSpacing, DicomVR.DS, spec.PixelSpacing)
            .SetNumbers(DicomTags.SamplesPerPixel, DicomVR.US, 1)
            .SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2")
            .SetNumbers(DicomTags.Rows, DicomVR.US, spec.Rows)
            .SetNumbers(DicomTags.Columns, DicomVR.US, spec.Columns)
            .SetNumbers(DicomTags.BitsAllocated, DicomVR.US, 16)
            .SetNumbers(DicomTags.BitsStored, DicomVR.US, spec.BitsStored)
            .SetNumbers(DicomTags.HighBit, DicomVR.US, spec.BitsStored - 1)
            .SetNumbers(DicomTags.PixelRepresentation, DicomVR.US, 0)
            .SetBytes(DicomTags.PixelData, DicomVR.OW, MemoryMarshal.AsBytes(spec.Pixels.Span).ToArray());
        if (spec.SpacingBetweenSlices is { } spacing)
        {
            dataset.SetNumbers(DicomTags.SpacingBetweenSlices, DicomVR.DS, spacing);
        }

        return dataset;
    }

    /// <summary>A Secondary Capture image (PS3.3 A.8.1) of 8-bit RGB pixels, in the study it describes.</summary>
    public static DicomDataset SecondaryCapture(StudyIdentity study, string seriesInstanceUid, int seriesNumber, string seriesDescription,
        int instanceNumber, int rows, int columns, ReadOnlyMemory<byte> rgbPixels, string? sopInstanceUid = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (rgbPixels.Length != rows * columns * 3)
        {
            throw new ArgumentException($"{rgbPixels.Length} bytes given for a {columns}x{rows} RGB image ({rows * columns * 3} needed).", nameof(rgbPixels));
        }

        return Common(study, SopClasses.SecondaryCaptureImageStorage, sopInstanceUid ?? DicomUid.Generate(), "OT", seriesInstanceUid, seriesNumber, seriesDescription, instanceNumber)
            .SetStrings(DicomTags.ImageType, DicomVR.CS, "DERIVED", "SECONDARY")
            .SetString(DicomTags.ConversionType, DicomVR.CS, "WSD")
            .SetString(DicomTags.Manufacturer, DicomVR.LO, "Spine Platform")
            .SetString(DicomTags.PatientOrientation, DicomVR.CS, "")
            .SetString(Laterality, DicomVR.CS, "") // type 2C; the spine is not a paired structure, so empty
            .SetNumbers(DicomTags.SamplesPerPixel, DicomVR.US, 3)
            .SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, "RGB")
            .SetNumbers(DicomTags.PlanarConfiguration, DicomVR.US, 0)
            .SetNumbers(DicomTags.Rows, DicomVR.US, rows)
            .SetNumbers(DicomTags.Columns, DicomVR.US, columns)
            .SetNumbers(DicomTags.BitsAllocated, DicomVR.US, 8)
            .SetNumbers(DicomTags.BitsStored, DicomVR.US, 8)
            .SetNumbers(DicomTags.HighBit, DicomVR.US, 7)
            .SetNumbers(DicomTags.PixelRepresentation, DicomVR.US, 0)
            .SetBytes(DicomTags.PixelData, DicomVR.OB, rgbPixels);
    }

    internal static DicomDataset Common(StudyIdentity study, string sopClass, string sopInstance, string modality, string seriesUid, int seriesNumber, string seriesDescription, int instanceNumber)
    {
        var date = study.StudyDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var time = study.StudyDateTime.ToString("HHmmss", CultureInfo.InvariantCulture);
        return new DicomDataset()
            .SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192")
            .SetString(DicomTags.SopClassUid, DicomVR.UI, sopClass)
            .SetString(DicomTags.SopInstanceUid, DicomVR.UI, sopInstance)
            .SetString(DicomTags.StudyDate, DicomVR.DA, date)
            .SetString(DicomTags.SeriesDate, DicomVR.DA, date)
            .SetString(DicomTags.ContentDate, DicomVR.DA, date)
            .SetString(DicomTags.StudyTime, DicomVR.TM, time)
            .SetString(DicomTags.SeriesTime, DicomVR.TM, time)
            .SetString(DicomTags.ContentTime, DicomVR.TM, time)
            .SetString(DicomTags.AccessionNumber, DicomVR.SH, study.AccessionNumber)
            .SetString(DicomTags.Modality, DicomVR.CS, modality)
            .SetString(DicomTags.ReferringPhysicianName, DicomVR.PN, study.ReferringPhysicianName)
            .SetString(DicomTags.StudyDescription, DicomVR.LO, study.StudyDescription)
            .SetString(DicomTags.SeriesDescription, DicomVR.LO, seriesDescription)
            .SetString(DicomTags.PatientName, DicomVR.PN, study.PatientName)
            .SetString(DicomTags.PatientId, DicomVR.LO, study.PatientId)
            .SetString(DicomTags.PatientBirthDate, DicomVR.DA, study.PatientBirthDate)
            .SetString(DicomTags.PatientSex, DicomVR.CS, study.PatientSex)
            .SetString(DicomTags.StudyInstanceUid, DicomVR.UI, study.StudyInstanceUid)
            .SetString(DicomTags.SeriesInstanceUid, DicomVR.UI, seriesUid)
            .SetString(DicomTags.StudyId, DicomVR.SH, study.StudyId)
            .SetNumbers(DicomTags.SeriesNumber, DicomVR.IS, seriesNumber)
            .SetNumbers(DicomTags.InstanceNumber, DicomVR.IS, instanceNumber);
    }
}
