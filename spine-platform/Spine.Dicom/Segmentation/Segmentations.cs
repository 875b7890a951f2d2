using System.Buffers.Binary;
using System.Globalization;
using Spine.Dicom.StructuredReporting;

namespace Spine.Dicom.Segmentation;

/// <summary>
/// Segmentation objects (PS3.3 A.51, BINARY): written from frames in the source images' own grids, and read back.
/// Frames are organised by segment, stack and position in the stack (the Multi-frame Dimension module), each
/// referencing the source image it was derived from; the planes go in the shared functional groups when every frame
/// has the same, else frame by frame (the angled slabs of a lumbar series each have their own orientation).
/// </summary>
public static class Segmentations
{
    public const string SegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";

    private static readonly Code SourceImageForProcessing = new("121322", "DCM", "Source image for image processing operation");
    private static readonly Code SegmentationDerivation = new("113076", "DCM", "Segmentation");

    public static DicomDataset Build(SegmentationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Validate(spec);
        var dataset = ImageBuilders.Common(spec.Study, SegmentationStorage, spec.SopInstanceUid, "SEG", spec.SeriesInstanceUid, spec.SeriesNumber, spec.SeriesDescription, 1)
            .SetString(DicomTags.ContentDate, DicomVR.DA, spec.ContentDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture))
            .SetString(DicomTags.ContentTime, DicomVR.TM, spec.ContentDateTime.ToString("HHmmss", CultureInfo.InvariantCulture))
            .SetStrings(DicomTags.ImageType, DicomVR.CS, "DERIVED", "PRIMARY")
            .SetString(DicomTags.Manufacturer, DicomVR.LO, spec.Manufacturer)
            .SetString(DicomTags.ManufacturerModelName, DicomVR.LO, spec.ManufacturerModelName)
            .SetString(SegTags.DeviceSerialNumber, DicomVR.LO, spec.DeviceSerialNumber)
            .SetString(SegTags.SoftwareVersions, DicomVR.LO, spec.SoftwareVersions)
            .SetString(DicomTags.FrameOfReferenceUid, DicomVR.UI, spec.FrameOfReferenceUid)
            .SetString(DicomTags.PositionReferenceIndicator, DicomVR.LO, "")
            .SetString(SegTags.ContentLabel, DicomVR.CS, spec.ContentLabel)
            .SetString(SegTags.ContentDescription, DicomVR.LO, spec.ContentDescription)
            .SetString(SegTags.ContentCreatorName, DicomVR.PN, "")
            .SetString(SegTags.SegmentationType, DicomVR.CS, "BINARY")
            .SetString(SegTags.LossyImageCompression, DicomVR.CS, "00")
            .SetNumbers(DicomTags.SamplesPerPixel, DicomVR.US, 1)
            .SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2")
            .SetNumbers(DicomTags.Rows, DicomVR.US, spec.Rows)
            .SetNumbers(DicomTags.Columns, DicomVR.US, spec.Columns)
            .SetNumbers(DicomTags.BitsAllocated, DicomVR.US, 1)
            .SetNumbers(DicomTags.BitsStored, DicomVR.US, 1)
            .SetNumbers(DicomTags.HighBit, DicomVR.US, 0)
            .SetNumbers(DicomTags.PixelRepresentation, DicomVR.US, 0)
            .SetNumbers(DicomTags.NumberOfFrames, DicomVR.IS, spec.Frames.Count);
        dataset.Remove(DicomTags.SeriesDate);
        dataset.Remove(DicomTags.SeriesTime);
        dataset.SetSequence(SegTags.SegmentSequence, [.. spec.Segments.Select(s => SegmentItem(s, dataset))]);
        WriteDimensions(dataset, spec);
        WriteFunctionalGroups(dataset, spec);
        WriteReferencedSeries(dataset, spec);
        dataset.SetBytes(DicomTags.PixelData, DicomVR.OB, PackBits(spec));
        return dataset;
    }

    /// <summary>Reads a BINARY Segmentation back: its segments, and each frame's segment, source image, plane and pixels (0 or 1).</summary>
    public static SegmentationObject Read(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.GetString(DicomTags.SopClassUid) != SegmentationStorage)
        {
            throw new DicomFormatException($"SOP Class {dataset.GetString(DicomTags.SopClassUid)} is not Segmentation Storage.");
        }

        if (dataset.GetString(SegTags.SegmentationType) != "BINARY" || dataset.GetInt32(DicomTags.BitsAllocated) != 1)
        {
            throw new DicomFormatException($"Segmentation Type {dataset.GetString(SegTags.SegmentationType)} with {dataset.GetInt32(DicomTags.BitsAllocated)} bits allocated: only BINARY (1 bit) is read.");
        }

        var rows = dataset.GetInt32(DicomTags.Rows) ?? throw new DicomFormatException("Rows (0028,0010) is missing.");
        var columns = dataset.GetInt32(DicomTags.Columns) ?? throw new DicomFormatException("Columns (0028,0011) is missing.");
        var segments = dataset.GetSequence(SegTags.SegmentSequence).Select(item => new SegmentDescription(
            item.GetInt32(SegTags.SegmentNumber) ?? 0,
            item.GetString(SegTags.SegmentLabel) ?? "",
            CodeOf(item.GetSequence(SegTags.SegmentedPropertyCategoryCodeSequence)),
            CodeOf(item.GetSequence(SegTags.SegmentedPropertyTypeCodeSequence)),
            item.GetString(SegTags.SegmentAlgorithmName) ?? "")).ToList();
        var planes = ImagePlane.FramesOf(dataset);
        var perFrame = dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = dataset.GetSequence(DicomTags.SharedFunctionalGroupsSequence) is { Count: > 0 } s ? s[0] : null;
        var pixels = dataset.GetElement(DicomTags.PixelData)?.Value ?? throw new DicomFormatException("Pixel Data (7FE0,0010) is missing.");
        var frameSize = rows * columns;
        if (pixels.Length * 8L < (long)frameSize * planes.Count)
        {
            throw new DicomFormatException($"Pixel Data holds {pixels.Length} bytes; {planes.Count} frames of {columns}x{rows} need {((long)frameSize * planes.Count + 7) / 8}.");
        }

        var frames = new List<SegmentationFrame>(planes.Count);
        for (var f = 0; f < planes.Count; f++)
        {
            var own = f < perFrame.Count ? perFrame[f] : null;
            var segment = Find(own, shared, SegTags.SegmentIdentificationSequence)?.GetInt32(SrTags.ReferencedSegmentNumber)
                ?? throw new DicomFormatException($"frame {f + 1}: no Referenced Segment Number (0062,000B).");
            var source = Find(own, shared, SegTags.DerivationImageSequence)?.GetSequence(SegTags.SourceImageSequence) is { Count: > 0 } sources
                ? new SopReference(sources[0].GetString(SrTags.ReferencedSopClassUid) ?? "", sources[0].GetString(SrTags.ReferencedSopInstanceUid) ?? "")
                : new SopReference("", "");
            var plane = planes[f] ?? throw new DicomFormatException($"frame {f + 1}: no plane position, orientation or pixel spacing.");
            frames.Add(new SegmentationFrame(segment, source, plane, UnpackFrame(pixels.Span, (long)f * frameSize, frameSize)));
        }

        return new SegmentationObject(rows, columns, dataset.GetString(DicomTags.FrameOfReferenceUid) ?? "", segments, frames);
    }

    private static void Validate(SegmentationSpec spec)
    {
        var numbers = spec.Segments.Select(s => s.Number).ToHashSet();
        var sources = spec.SourceStacks.SelectMany(stack => stack).Select(s => s.SopInstanceUid).ToHashSet(StringComparer.Ordinal);
        foreach (var frame in spec.Frames)
        {
            if (frame.Mask.Length != spec.Rows * spec.Columns)
            {
                throw new ArgumentException($"a frame of segment {frame.SegmentNumber} has {frame.Mask.Length} pixels; the segmentation is {spec.Columns}x{spec.Rows}.", nameof(spec));
            }

            if (!numbers.Contains(frame.SegmentNumber))
            {
                throw new ArgumentException($"a frame refers to segment {frame.SegmentNumber}, which is not described.", nameof(spec));
            }

            if (!sources.Contains(frame.Source.SopInstanceUid))
            {
                throw new ArgumentException($"a frame of segment {frame.SegmentNumber} is derived from an image not among the source images.", nameof(spec));
            }
        }
    }

    private static DicomDataset SegmentItem(SegmentDescription segment, DicomDataset parent)
    {
        var item = new DicomDataset(parent)
            .SetNumbers(SegTags.SegmentNumber, DicomVR.US, segment.Number)
            .SetString(SegTags.SegmentLabel, DicomVR.LO, segment.Label)
            .SetString(SegTags.SegmentAlgorithmType, DicomVR.CS, "AUTOMATIC")
            .SetString(SegTags.SegmentAlgorithmName, DicomVR.LO, segment.AlgorithmName);
        item.SetSequence(SegTags.SegmentedPropertyCategoryCodeSequence, SrDocument.CodeItem(segment.Category, item));
        item.SetSequence(SegTags.SegmentedPropertyTypeCodeSequence, SrDocument.CodeItem(segment.Type, item));
        return item;
    }

    /// <summary>Frames are indexed by segment, then stack (the source image's stack of parallel slices), then position in it.</summary>
    private static void WriteDimensions(DicomDataset dataset, SegmentationSpec spec)
    {
        var organization = DicomUid.FromGuid(new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(spec.SopInstanceUid + "/dimensions")).AsSpan(0, 16)));
        dataset.SetSequence(SegTags.DimensionOrganizationSequence, new DicomDataset(dataset).SetString(SegTags.DimensionOrganizationUid, DicomVR.UI, organization));
        DicomDataset Index(DicomTag pointer, DicomTag group, string label) => new DicomDataset(dataset)
            .SetString(SegTags.DimensionOrganizationUid, DicomVR.UI, organization)
            .SetBytes(SegTags.DimensionIndexPointer, DicomVR.AT, TagBytes(pointer))
            .SetBytes(SegTags.FunctionalGroupPointer, DicomVR.AT, TagBytes(group))
            .SetString(SegTags.DimensionDescriptionLabel, DicomVR.LO, label);
        dataset.SetSequence(SegTags.DimensionIndexSequence,
            Index(SrTags.ReferencedSegmentNumber, SegTags.SegmentIdentificationSequence, "Segment"),
            Index(SegTags.StackId, SegTags.FrameContentSequence, "Stack"),
            Index(SegTags.InStackPositionNumber, SegTags.FrameContentSequence, "Position in stack"));
    }

    private static void WriteFunctionalGroups(DicomDataset dataset, SegmentationSpec spec)
    {
        var sharedOrientation = spec.Frames.Select(f => Orientation(f.Plane)).Distinct().Count() <= 1;
        var sharedMeasures = spec.Frames.Select(f => (f.Plane.RowSpacing, f.Plane.ColumnSpacing, f.Plane.SliceThickness)).Distinct().Count() <= 1;
        var shared = new DicomDataset(dataset);
        if (spec.Frames.Count > 0)
        {
            if (sharedOrientation)
            {
                AddOrientation(shared, spec.Frames[0].Plane);
            }

            if (sharedMeasures)
            {
                AddMeasures(shared, spec.Frames[0].Plane);
            }
        }

        dataset.SetSequence(DicomTags.SharedFunctionalGroupsSequence, shared);
        var positions = spec.SourceStacks
            .SelectMany((stack, s) => stack.Select((image, k) => (image.SopInstanceUid, Stack: s + 1, InStack: k + 1)))
            .ToDictionary(p => p.SopInstanceUid, p => (p.Stack, p.InStack), StringComparer.Ordinal);
        dataset.SetSequence(DicomTags.PerFrameFunctionalGroupsSequence, [.. spec.Frames.Select(frame =>
        {
            var item = new DicomDataset(dataset);
            var (stack, inStack) = positions[frame.Source.SopInstanceUid];
            item.SetSequence(SegTags.FrameContentSequence, new DicomDataset(item)
                .SetNumbers(SegTags.DimensionIndexValues, DicomVR.UL, frame.SegmentNumber, stack, inStack)
                .SetString(SegTags.StackId, DicomVR.SH, stack.ToString(CultureInfo.InvariantCulture))
                .SetNumbers(SegTags.InStackPositionNumber, DicomVR.UL, inStack));
            var derivation = new DicomDataset(item);
            derivation.SetSequence(SegTags.DerivationCodeSequence, SrDocument.CodeItem(SegmentationDerivation, derivation));
            var source = new DicomDataset(derivation)
                .SetString(SrTags.ReferencedSopClassUid, DicomVR.UI, frame.Source.SopClassUid)
                .SetString(SrTags.ReferencedSopInstanceUid, DicomVR.UI, frame.Source.SopInstanceUid);
            source.SetSequence(SegTags.PurposeOfReferenceCodeSequence, SrDocument.CodeItem(SourceImageForProcessing, source));
            derivation.SetSequence(SegTags.SourceImageSequence, source);
            item.SetSequence(SegTags.DerivationImageSequence, derivation);
            item.SetSequence(DicomTags.PlanePositionSequence, new DicomDataset(item)
                .SetNumbers(DicomTags.ImagePositionPatient, DicomVR.DS, frame.Plane.Position.X, frame.Plane.Position.Y, frame.Plane.Position.Z));
            if (!sharedOrientation)
            {
                AddOrientation(item, frame.Plane);
            }

            if (!sharedMeasures)
            {
                AddMeasures(item, frame.Plane);
            }

            item.SetSequence(SegTags.SegmentIdentificationSequence, new DicomDataset(item).SetNumbers(SrTags.ReferencedSegmentNumber, DicomVR.US, frame.SegmentNumber));
            return item;
        })]);
    }

    /// <summary>The Common Instance Reference module: every source image, in its series.</summary>
    private static void WriteReferencedSeries(DicomDataset dataset, SegmentationSpec spec)
    {
        var series = new DicomDataset(dataset).SetString(DicomTags.SeriesInstanceUid, DicomVR.UI, spec.SourceSeriesInstanceUid);
        series.SetSequence(SegTags.ReferencedInstanceSequence, [.. spec.SourceStacks.SelectMany(stack => stack).Select(image => new DicomDataset(series)
            .SetString(SrTags.ReferencedSopClassUid, DicomVR.UI, image.SopClassUid)
            .SetString(SrTags.ReferencedSopInstanceUid, DicomVR.UI, image.SopInstanceUid))]);
        dataset.SetSequence(SrTags.ReferencedSeriesSequence, series);
    }

    private static void AddOrientation(DicomDataset group, ImagePlane plane) =>
        group.SetSequence(DicomTags.PlaneOrientationSequence, new DicomDataset(group).SetNumbers(DicomTags.ImageOrientationPatient, DicomVR.DS, Orientation(plane)));

    private static void AddMeasures(DicomDataset group, ImagePlane plane)
    {
        var measures = new DicomDataset(group).SetNumbers(DicomTags.PixelSpacing, DicomVR.DS, plane.RowSpacing, plane.ColumnSpacing);
        measures.SetNumbers(DicomTags.SliceThickness, DicomVR.DS, plane.SliceThickness ?? 1);
        group.SetSequence(DicomTags.PixelMeasuresSequence, measures);
    }

    private static double[] Orientation(ImagePlane plane) =>
        [.. new[] { plane.RowDirection.X, plane.RowDirection.Y, plane.RowDirection.Z, plane.ColumnDirection.X, plane.ColumnDirection.Y, plane.ColumnDirection.Z }.Select(v => Math.Round(v, 6))];

    private static byte[] TagBytes(DicomTag tag)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), tag.Element);
        return bytes;
    }

    /// <summary>One bit per pixel, frames back to back with no padding between them, least significant bit first (PS3.5 8.1.1).</summary>
    private static byte[] PackBits(SegmentationSpec spec)
    {
        var frameSize = spec.Rows * spec.Columns;
        var packed = new byte[(((long)frameSize * spec.Frames.Count) + 7) / 8];
        long bit = 0;
        foreach (var frame in spec.Frames)
        {
            var mask = frame.Mask.Span;
            for (var p = 0; p < frameSize; p++, bit++)
            {
                if (mask[p] != 0)
                {
                    packed[bit >> 3] |= (byte)(1 << (int)(bit & 7));
                }
            }
        }

        return packed;
    }

    private static byte[] UnpackFrame(ReadOnlySpan<byte> packed, long firstBit, int count)
    {
        var mask = new byte[count];
        for (var p = 0; p < count; p++)
        {
            var bit = firstBit + p;
            mask[p] = (byte)((packed[(int)(bit >> 3)] >> (int)(bit & 7)) & 1);
        }

        return mask;
    }

    private static DicomDataset? Find(DicomDataset? own, DicomDataset? shared, DicomTag sequence) =>
        own?.GetSequence(sequence) is { Count: > 0 } mine ? mine[0] : shared?.GetSequence(sequence) is { Count: > 0 } common ? common[0] : null;

    private static Code CodeOf(IReadOnlyList<DicomDataset> items) => items.Count == 0
        ? new Code("", "", "")
        : new Code(items[0].GetString(SrTags.CodeValue) ?? items[0].GetString(SrTags.LongCodeValue) ?? "", items[0].GetString(SrTags.CodingSchemeDesignator) ?? "", items[0].GetString(SrTags.CodeMeaning) ?? "");
}
