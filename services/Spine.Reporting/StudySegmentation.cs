using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Segmentation;
using Spine.Dicom.StructuredReporting;
using Spine.Imaging;
using Spine.Pipeline;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>A study's segmentation as a DICOM SEG, and which frame holds which structure on which source image (for the SR's references).</summary>
public sealed record StudySegmentationObject(byte[] Part10, string SopInstanceUid, IReadOnlyDictionary<(string SourceSopInstanceUid, int Segment), int> Frames)
{
    /// <summary>
    /// The SEG frame (1-based) of <paramref name="segment"/> on the source image; null where that structure is absent
    /// there. The frame names its segment, so the reference carries no segment number (PS3.3 C.17.3.2.1 allows one or the other).
    /// </summary>
    public SopReference? Reference(string sourceSopInstanceUid, int segment) => Frames.TryGetValue((sourceSopInstanceUid, segment), out var frame)
        ? new SopReference(Segmentations.SegmentationStorage, SopInstanceUid, frame)
        : null;
}

/// <summary>
/// The segmenter's label maps as one DICOM Segmentation in the geometry of the source axial series: each level's slab
/// label map (on the model's in-plane grid) resampled, nearest label, onto the grid of the source images it was made
/// from (the slab's <see cref="SliceSlab.Instances"/>, slice k from instance k), one segment per structure. Frames where
/// a structure is absent are left out. UIDs derive from the StudyId.
/// </summary>
public static class StudySegmentation
{
    public const int SeriesNumber = 9904;

    // Segment numbers are the label map's values (DESIGN.md: 1 disc, 2 posterior element, 3 thecal sac, 4 canal and foramina).
    public const int DiscSegment = 1;
    public const int PosteriorElementsSegment = 2;
    public const int DuralSacSegment = 3;
    public const int CanalSegment = 4;

    private static readonly Code AnatomicalStructure = new("91723000", "SCT", "Anatomical Structure");

    /// <summary>
    /// The segments. Disc: SNOMED CT's intervertebral disc structure (not
    /// in PS3.16; docs/structured-report.md says where it was checked); dural sac and canal from PS3.16; the posterior
    /// elements have no code found there and use the private scheme.
    /// </summary>
    public static IReadOnlyList<(int Number, string Label, Code Type)> Structures { get; } =
    [
        (DiscSegment, "Intervertebral disc", new Code("360499006", "SCT", "Intervertebral disc")),
        (PosteriorElementsSegment, "Posterior elements", new Code("POSTELEMENTS", ReportCodes.PrivateScheme, "Posterior elements of vertebra")),
        (DuralSacSegment, "Dural sac", ReportCodes.DuraMater),
        (CanalSegment, "Canal and foramina", new Code("61853006", "SCT", "Vertebral canal")),
    ];

    /// <summary>The SEG of a report's levels; null when no level carries both a label map and its source instances (older senders).</summary>
    public static async Task<StudySegmentationObject?> BuildAsync(IObjectStore store, StudyReport report, StudyManifest manifest, StudyIdentity identity, string softwareVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(manifest);
        var slabs = report.Levels.Select(l => l.Slices).Where(s => s.LabelMap is not null && s.Instances is { Count: > 0 }).ToList();
        if (slabs.Count == 0)
        {
            return null;
        }

        var stored = manifest.Instances.ToDictionary(i => i.SopInstanceUid, StringComparer.Ordinal);
        var stacks = new List<IReadOnlyList<SopReference>>();
        var frames = new List<SegmentationFrame>();
        var (rows, columns, frameOfReference) = (0, 0, string.Empty);
        foreach (var slab in slabs)
        {
            var headers = new List<DicomDataset>(slab.Instances!.Count);
            foreach (var instance in slab.Instances!)
            {
                var found = stored.GetValueOrDefault(instance.SopInstanceUid)
                    ?? throw new InvalidDataException($"study {report.StudyId}: a slab's source instance is not in the manifest.");
                headers.Add(DicomFile.Read(await store.ReadAllBytesAsync(found.Object, cancellationToken), options: new DicomReadOptions { StopBeforePixelData = true }).Dataset);
            }

            var planes = headers.Select(h => ImagePlane.From(h) ?? throw new InvalidDataException($"study {report.StudyId}: a source instance has no image plane.")).ToList();
            (rows, columns) = CheckGrid(headers, rows, columns);
            frameOfReference = frameOfReference.Length > 0 ? frameOfReference : headers[0].GetString(DicomTags.FrameOfReferenceUid) ?? string.Empty;
            var labels = await NiftiObjects.ReadAsync(store, slab.LabelMap!, cancellationToken);
            var source = Resampling.Resample(labels, VolumeGeometry.FromStack(planes), columns, rows, planes.Count, Interpolation.Nearest);
            var references = slab.Instances!.Select(i => new SopReference(i.SopClassUid, i.SopInstanceUid)).ToList();
            stacks.Add(references);
            foreach (var (number, _, _) in Structures)
            {
                for (var k = 0; k < planes.Count; k++)
                {
                    var mask = Mask(source.Slice(k), number);
                    if (mask is not null)
                    {
                        frames.Add(new SegmentationFrame(number, references[k], planes[k], mask));
                    }
                }
            }
        }

        // Frames ordered by segment, then by stack and position, as the dimension index reads them.
        var order = stacks.SelectMany(s => s).Select((image, index) => (image.SopInstanceUid, index)).ToDictionary(p => p.SopInstanceUid, p => p.index, StringComparer.Ordinal);
        frames = [.. frames.OrderBy(f => f.SegmentNumber).ThenBy(f => order[f.Source.SopInstanceUid])];
        var segmenter = report.Models.FirstOrDefault(m => m.Name.Contains("segment", StringComparison.OrdinalIgnoreCase));
        var algorithm = segmenter is null ? "Spine Platform segmenter" : $"{segmenter.Name} {segmenter.Version}";
        var uid = ResultObjects.Uid(report.StudyId, "seg");
        var dataset = Segmentations.Build(new SegmentationSpec
        {
            Study = identity,
            SeriesInstanceUid = ResultObjects.Uid(report.StudyId, "seg-series"),
            SeriesNumber = SeriesNumber,
            SeriesDescription = "Spine Platform segmentation (automated, not for diagnosis)",
            SopInstanceUid = uid,
            ContentDateTime = report.GeneratedAt.UtcDateTime,
            ContentLabel = "SPINE_SEGMENTS",
            ContentDescription = "Disc, posterior elements, dural sac, canal (automated)",
            Manufacturer = "Spine Platform",
            ManufacturerModelName = "lumbar spine MRI reader",
            SoftwareVersions = softwareVersion,
            DeviceSerialNumber = "not applicable (software)",
            FrameOfReferenceUid = frameOfReference,
            SourceSeriesInstanceUid = report.SeriesInstanceUid,
            SourceStacks = stacks,
            Rows = rows,
            Columns = columns,
            Segments = [.. Structures.Select(s => new SegmentDescription(s.Number, s.Label, AnatomicalStructure, s.Type, algorithm))],
            Frames = frames,
        });
        var numbers = frames.Select((f, index) => (f.Source.SopInstanceUid, f.SegmentNumber, Frame: index + 1))
            .ToDictionary(f => (f.SopInstanceUid, f.SegmentNumber), f => f.Frame);
        return new StudySegmentationObject(DicomWriter.ToBytes(dataset), uid, numbers);
    }

    private static (int Rows, int Columns) CheckGrid(List<DicomDataset> headers, int rows, int columns)
    {
        foreach (var header in headers)
        {
            var (r, c) = (header.GetInt32(DicomTags.Rows) ?? 0, header.GetInt32(DicomTags.Columns) ?? 0);
            if (rows == 0)
            {
                (rows, columns) = (r, c);
            }
            else if (r != rows || c != columns)
            {
                throw new InvalidDataException($"source images of {columns}x{rows} and {c}x{r}: one segmentation needs one matrix.");
            }
        }

        return (rows, columns);
    }

    private static byte[]? Mask(ReadOnlySpan<float> labels, int label)
    {
        byte[]? mask = null;
        for (var p = 0; p < labels.Length; p++)
        {
            if ((int)MathF.Round(labels[p]) == label)
            {
                mask ??= new byte[labels.Length];
                mask[p] = 1;
            }
        }

        return mask;
    }
}
