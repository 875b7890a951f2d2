namespace Spine.Dicom.Tests;

public sealed class GeometryTests
{
    private static ImagePlane Plane(params double[] orientation) =>
        ImagePlane.From(ImageBuilders.MrImage(WritingTests.SampleMr() with { ImageOrientationPatient = orientation }))!;

    [Theory]
    [InlineData(new double[] { 1, 0, 0, 0, 1, 0 }, PlaneOrientation.Axial)]
    [InlineData(new double[] { 0, 1, 0, 0, 0, -1 }, PlaneOrientation.Sagittal)]
    [InlineData(new double[] { 1, 0, 0, 0, 0, -1 }, PlaneOrientation.Coronal)]
    [InlineData(new double[] { 1, 0, 0, 0, 0.9396926, 0.3420201 }, PlaneOrientation.Axial)] // tilted 20 degrees to a disc
    [InlineData(new double[] { 1, 0, 0, 0, 0.7071068, 0.7071068 }, PlaneOrientation.Oblique)] // 45 degrees
    public void Orientation_is_classified_from_the_plane_normal(double[] orientation, PlaneOrientation expected)
    {
        Assert.Equal(expected, Plane(orientation).Orientation);
    }

    [Fact]
    public void World_position_of_a_pixel_follows_rows_columns_and_spacing()
    {
        var plane = new ImagePlane(new Vector3D(-100, -50, 20), new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), RowSpacing: 0.5, ColumnSpacing: 0.8, SliceThickness: 4);

        var corner = plane.WorldPosition(row: 10, column: 20);

        Assert.Equal(new Vector3D(-100 + (20 * 0.8), -50 + (10 * 0.5), 20), corner);
    }

    [Fact]
    public void Plane_of_a_real_mr_file_matches_its_attributes()
    {
        var plane = ImagePlane.From(DicomFile.Open(Corpus.File("pydicom/MR_small.dcm")).Dataset)!;

        Assert.Equal(new Vector3D(-83.9063, -91.2, 6.6406), plane.Position, new Vector3DComparer(1e-9)); // As dcmdump shows them.
        Assert.Equal(0.3125, plane.RowSpacing, 6);
        Assert.Equal(PlaneOrientation.Axial, plane.Orientation);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Series_images_are_ordered_along_the_normal_whichever_way_it_points(int direction)
    {
        var images = Enumerable.Range(1, 6)
            .Select(i => WritingTests.SampleMr(i) with
            {
                ImageOrientationPatient = [1, 0, 0, 0, direction, 0],
                ImagePositionPatient = [0, 0, i * 4.0],
                InstanceNumber = 7 - i,
            })
            .Select(spec => DicomFile.Read(DicomWriter.ToBytes(ImageBuilders.MrImage(spec))))
            .Reverse()
            .ToList();

        var ordered = StudyGrouping.InSliceOrder(images);

        var z = ordered.Select(image => ImagePlane.From(image.Dataset)!.Position.Z).ToList();
        Assert.Equal(direction > 0 ? [4.0, 8, 12, 16, 20, 24] : [24.0, 20, 16, 12, 8, 4], z);
    }

    [Fact]
    public void Files_are_grouped_into_studies_and_series()
    {
        var first = WritingTests.SampleMr();
        var second = WritingTests.SampleMr();
        var specs = new[]
        {
            first, first with { InstanceNumber = 2, SopInstanceUid = DicomUid.Generate() },
            first with { SeriesInstanceUid = DicomUid.Generate(), SeriesNumber = 2, SopInstanceUid = DicomUid.Generate() },
            second,
        };
        var files = specs.Select(spec => DicomFile.Read(DicomWriter.ToBytes(ImageBuilders.MrImage(spec)))).ToList();

        var studies = StudyGrouping.Group(files);

        Assert.Equal(2, studies.Count);
        var firstStudy = studies.Single(s => s.StudyInstanceUid == first.Study.StudyInstanceUid);
        Assert.Equal([2, 1], firstStudy.Series.Select(s => s.Instances.Count));
        Assert.Equal(PlaneOrientation.Axial, firstStudy.Series[0].Orientation);
    }

    [Fact]
    public void Enhanced_mr_frames_take_geometry_from_per_frame_and_shared_functional_groups()
    {
        var dataset = ImageBuilders.MrImage(WritingTests.SampleMr());
        dataset.SetNumbers(DicomTags.NumberOfFrames, DicomVR.IS, 3);
        dataset.Remove(DicomTags.ImagePositionPatient);
        dataset.Remove(DicomTags.ImageOrientationPatient);
        dataset.SetSequence(DicomTags.SharedFunctionalGroupsSequence, new DicomDataset()
            .SetSequence(DicomTags.PlaneOrientationSequence, new DicomDataset().SetNumbers(DicomTags.ImageOrientationPatient, DicomVR.DS, 0, 1, 0, 0, 0, -1))
            .SetSequence(DicomTags.PixelMeasuresSequence, new DicomDataset().SetNumbers(DicomTags.PixelSpacing, DicomVR.DS, 0.5, 0.6).SetNumbers(DicomTags.SliceThickness, DicomVR.DS, 3)));
        dataset.SetSequence(DicomTags.PerFrameFunctionalGroupsSequence, [.. Enumerable.Range(0, 3).Select(i =>
            new DicomDataset().SetSequence(DicomTags.PlanePositionSequence, new DicomDataset().SetNumbers(DicomTags.ImagePositionPatient, DicomVR.DS, 10 + (3.3 * i), -20, 30)))]);

        var reread = DicomFile.Read(DicomWriter.ToBytes(dataset)).Dataset;
        var planes = ImagePlane.FramesOf(reread);

        Assert.Equal(3, planes.Count);
        Assert.All(planes, plane => Assert.Equal(PlaneOrientation.Sagittal, plane!.Orientation));
        Assert.Equal([10, 13.3, 16.6], planes.Select(plane => Math.Round(plane!.Position.X, 6)));
        Assert.All(planes, plane => Assert.Equal((0.5, 0.6, 3.0), (plane!.RowSpacing, plane.ColumnSpacing, plane.SliceThickness!.Value)));
    }

    [Fact]
    public void Enhanced_mr_of_the_corpus_without_plane_attributes_reports_no_geometry_for_its_ten_frames()
    {
        var planes = ImagePlane.FramesOf(DicomFile.Open(Corpus.File("pydicom-data/emri_small.dcm")).Dataset);

        Assert.Equal(10, planes.Count);
        Assert.All(planes, Assert.Null);
    }

    private sealed class Vector3DComparer(double tolerance) : IEqualityComparer<Vector3D>
    {
        public bool Equals(Vector3D a, Vector3D b) => (a - b).Length <= tolerance;

        public int GetHashCode(Vector3D obj) => 0;
    }
}
