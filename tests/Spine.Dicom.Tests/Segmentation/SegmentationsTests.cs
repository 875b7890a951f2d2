using Spine.Dicom.Segmentation;
using Spine.Dicom.StructuredReporting;
using Spine.Testing;

namespace Spine.Dicom.Tests.Segmentation;

public sealed class SegmentationsTests
{
    private const int Rows = 5;
    private const int Columns = 7;
    private static readonly Code Category = new("91723000", "SCT", "Anatomical Structure");

    // Two stacks at different angles, as the angled slabs of a lumbar series are: 35 pixels a frame, so frames share bytes.
    private static readonly ImagePlane Flat = new(new Vector3D(0, 0, 0), new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), 0.5, 0.6, 4);
    private static readonly ImagePlane Tilted = new(new Vector3D(0, 0, 40), new Vector3D(1, 0, 0), new Vector3D(0, 0.98, -0.199), 0.5, 0.6, 4);

    private static SegmentationSpec Spec(IReadOnlyList<SegmentationFrame> frames, IReadOnlyList<IReadOnlyList<SopReference>> stacks) => new()
    {
        Study = WritingTests.SampleMr().Study,
        SeriesInstanceUid = DicomUid.Generate(),
        SeriesNumber = 99,
        SeriesDescription = "test segmentation",
        SopInstanceUid = DicomUid.Generate(),
        ContentDateTime = new DateTime(2026, 12, 2, 8, 0, 0, DateTimeKind.Utc),
        ContentLabel = "TEST",
        ContentDescription = "test",
        Manufacturer = "Spine Platform",
        ManufacturerModelName = "tests",
        SoftwareVersions = "1",
        DeviceSerialNumber = "none",
        FrameOfReferenceUid = "2.25.7",
        SourceSeriesInstanceUid = "2.25.8",
        SourceStacks = stacks,
        Rows = Rows,
        Columns = Columns,
        Segments = [new SegmentDescription(1, "Disc", Category, new Code("360499006", "SCT", "Intervertebral disc"), "test"), new SegmentDescription(3, "Sac", Category, new Code("18545000", "SCT", "Dura mater"), "test")],
        Frames = frames,
    };

    private static byte[] Pattern(int seed) => [.. Enumerable.Range(0, Rows * Columns).Select(p => (byte)((p * seed) % 3 == 0 ? 1 : 0))];

    [Fact]
    public void Frames_of_two_angled_stacks_read_back_with_their_segment_source_plane_and_pixels()
    {
        var a = new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.101");
        var b = new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.102");
        var frames = new[]
        {
            new SegmentationFrame(1, a, Flat, Pattern(1)),
            new SegmentationFrame(1, b, Tilted, Pattern(2)),
            new SegmentationFrame(3, b, Tilted, Pattern(5)),
        };

        var read = Segmentations.Read(DicomFile.Read(DicomWriter.ToBytes(Segmentations.Build(Spec(frames, [[a], [b]])))).Dataset);

        Assert.Equal((Rows, Columns, "2.25.7"), (read.Rows, read.Columns, read.FrameOfReferenceUid));
        Assert.Equal([1, 3], read.Segments.Select(s => s.Number));
        Assert.Equal(new Code("18545000", "SCT", "Dura mater"), read.Segments[1].Type);
        Assert.Equal(frames.Length, read.Frames.Count);
        for (var f = 0; f < frames.Length; f++)
        {
            Assert.Equal(frames[f].SegmentNumber, read.Frames[f].SegmentNumber);
            Assert.Equal(frames[f].Source, read.Frames[f].Source);
            Assert.Equal(frames[f].Mask.ToArray(), read.Frames[f].Mask.ToArray());
            Assert.Equal(frames[f].Plane.Position, read.Frames[f].Plane.Position);
            Assert.True((frames[f].Plane.ColumnDirection - read.Frames[f].Plane.ColumnDirection).Length < 1e-5);
        }
    }

    [Fact]
    public void Frames_index_segment_stack_and_position_in_stack()
    {
        var images = Enumerable.Range(0, 3).Select(i => new SopReference("1.2.840.10008.5.1.4.1.1.4", $"2.25.{200 + i}")).ToList();
        var frames = new[] { new SegmentationFrame(3, images[2], Tilted, Pattern(1)), new SegmentationFrame(1, images[1], Flat, Pattern(1)) };

        var dataset = Segmentations.Build(Spec(frames, [[images[0], images[1]], [images[2]]]));

        var indices = dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence)
            .Select(f => f.GetSequence(new DicomTag(0x0020, 0x9111))[0].GetNumbers(new DicomTag(0x0020, 0x9157))).ToList();
        Assert.Equal([3, 2, 1], indices[0]);
        Assert.Equal([1, 1, 2], indices[1]);
    }

    [Fact]
    public void A_frame_of_an_undescribed_segment_or_of_an_image_not_among_the_sources_is_refused()
    {
        var a = new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.301");
        var stranger = new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.399");

        var segment = Assert.Throws<ArgumentException>(() => Segmentations.Build(Spec([new SegmentationFrame(2, a, Flat, Pattern(1))], [[a]])));
        var source = Assert.Throws<ArgumentException>(() => Segmentations.Build(Spec([new SegmentationFrame(1, stranger, Flat, Pattern(1))], [[a]])));
        var size = Assert.Throws<ArgumentException>(() => Segmentations.Build(Spec([new SegmentationFrame(1, a, Flat, new byte[3])], [[a]])));

        Assert.Contains("segment 2", segment.Message, StringComparison.Ordinal);
        Assert.Contains("not among the source images", source.Message, StringComparison.Ordinal);
        Assert.Contains("3 pixels", size.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segmentation_that_is_not_binary_is_refused_by_name()
    {
        var a = new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.401");
        var dataset = Segmentations.Build(Spec([new SegmentationFrame(1, a, Flat, Pattern(1))], [[a]]));
        dataset.SetString(new DicomTag(0x0062, 0x0001), DicomVR.CS, "FRACTIONAL");

        var error = Assert.Throws<DicomFormatException>(() => Segmentations.Read(dataset));

        Assert.Contains("FRACTIONAL", error.Message, StringComparison.Ordinal);
    }
}
