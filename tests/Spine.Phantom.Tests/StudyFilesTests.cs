using Spine.Dicom;
using Spine.Imaging;
using Spine.Testing;

namespace Spine.Phantom.Tests;

public sealed class StudyFilesTests(WrittenStudy written) : IClassFixture<WrittenStudy>
{
    [Fact]
    public void Every_file_is_read_by_the_toolkit_and_the_axial_t2_series_is_found_by_its_tags()
    {
        var files = written.DicomFiles.Select(path => DicomFile.Open(path)).ToList();
        var series = StudyGrouping.Group(files).Single().Series;

        // What series selection will do: axial orientation from the geometry, T2 weighting from TR and TE.
        var axialT2 = series.Where(s =>
            s.Orientation == PlaneOrientation.Axial
            && s.First.GetDouble(DicomTags.RepetitionTime) >= 2000
            && s.First.GetDouble(DicomTags.EchoTime) >= 60).ToList();

        Assert.Equal(3, series.Count);
        Assert.Equal(written.Study.Truth.AxialT2SeriesInstanceUid, Assert.Single(axialT2).SeriesInstanceUid);
        Assert.Contains(series, s => s.Orientation == PlaneOrientation.Sagittal);
        Assert.Contains(series, s => s.Orientation == PlaneOrientation.Axial && s.First.GetDouble(DicomTags.RepetitionTime) < 1000);
        Assert.All(files, file => Assert.Empty(IodRequirements.Check(file.Dataset, IodRequirements.MrImage)));
    }

    [Fact]
    public void Label_map_corners_lie_where_the_dicom_slices_put_them()
    {
        var axial = written.DicomFiles.Where(path => path.Contains("ax_t2", StringComparison.Ordinal)).Select(path => DicomFile.Open(path))
            .ToDictionary(file => file.Dataset.GetInt32(DicomTags.InstanceNumber)!.Value);
        foreach (var level in written.Study.Truth.Levels)
        {
            var labels = Nifti.Read(Path.Combine(written.Folder, level.LabelMap));
            Assert.Equal(level.SliceCount, labels.SizeK);
            for (var k = 0; k < level.SliceCount; k++)
            {
                var dataset = axial[level.FirstInstanceNumber + k].Dataset;
                var plane = ImagePlane.From(dataset)!;
                var (rows, columns) = (dataset.GetInt32(DicomTags.Rows)!.Value, dataset.GetInt32(DicomTags.Columns)!.Value);
                foreach (var (row, column) in new[] { (0, 0), (0, columns - 1), (rows - 1, 0), (rows - 1, columns - 1) })
                {
                    var fromDicom = plane.WorldPosition(row, column);
                    var fromNifti = labels.Geometry.WorldOf(column, row, k);
                    Assert.True((fromDicom - fromNifti).Length <= 0.01, $"{level.Level} slice {k} corner ({row},{column}): DICOM {fromDicom}, NIfTI {fromNifti}");
                }
            }
        }
    }

    [Fact]
    public void Dural_sac_area_measured_on_each_label_map_matches_the_ground_truth_within_one_percent()
    {
        foreach (var level in written.Study.Truth.Levels)
        {
            var labels = Nifti.Read(Path.Combine(written.Folder, level.LabelMap));
            var sacPixels = labels.Voxels.AsSpan(level.MidSlice * labels.SliceLength, labels.SliceLength).ToArray().Count(v => v == Labels.ThecalSac);
            var measured = sacPixels * labels.Geometry.SpacingI * labels.Geometry.SpacingJ;

            Assert.True(Math.Abs(measured - level.DuralSacAreaMm2) <= 0.01 * level.DuralSacAreaMm2,
                $"{level.Level}: label map {measured:0.0} mm2, ground truth {level.DuralSacAreaMm2:0.0} mm2");

            // The label map is the geometric sac cut into pixels: only quantisation separates the two.
            Assert.True(Math.Abs(measured - level.DuralSacAreaExactMm2) <= 0.03 * level.DuralSacAreaExactMm2,
                $"{level.Level}: label map {measured:0.0} mm2, geometric cross-section {level.DuralSacAreaExactMm2:0.0} mm2");
        }
    }

    [Fact]
    public void Axial_t2_series_splits_into_one_stack_per_slab_with_the_slabs_geometry()
    {
        var axial = written.DicomFiles.Where(path => path.Contains("ax_t2", StringComparison.Ordinal)).Select(path => DicomFile.Open(path))
            .OrderBy(file => file.Dataset.GetInt32(DicomTags.InstanceNumber)).ToList();

        var stacks = DicomVolumes.SplitIntoStacks(axial);

        Assert.Equal(written.Study.Truth.Levels.Select(l => l.SliceCount), stacks.Select(s => s.Count));
        for (var s = 0; s < stacks.Count; s++)
        {
            var volume = DicomVolumes.FromStack(stacks[s]);
            var slab = written.Study.Slabs[s].Image;
            Assert.Equal((slab.SizeI, slab.SizeJ, slab.SizeK), (volume.SizeI, volume.SizeJ, volume.SizeK));
            Assert.True((volume.Geometry.WorldOf(319, 319, slab.SizeK - 1) - slab.Geometry.WorldOf(319, 319, slab.SizeK - 1)).Length < 0.01);
            Assert.Equal(Math.Round(slab[100, 120, 0]), volume[100, 120, 0]); // stored as rounded 12-bit values
        }
    }

    [Fact]
    public void Ground_truth_json_reads_back_as_written()
    {
        var truth = PhantomWriter.ReadGroundTruth(written.Folder);

        Assert.Equal(written.Study.Truth.StudyInstanceUid, truth.StudyInstanceUid);
        Assert.Equal(5, truth.Levels.Count);
        Assert.Equal(written.Study.Truth.Levels.Select(l => l.Grades), truth.Levels.Select(l => l.Grades));
        Assert.Contains("\"level\": \"L4-L5\"", File.ReadAllText(Path.Combine(written.Folder, PhantomWriter.GroundTruthFile)), StringComparison.Ordinal);
    }
}

/// <summary>dcmtk, the reference reader most PACS are built on, reads every generated file cleanly.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DcmtkReadsPhantomTests(WrittenStudy written) : IClassFixture<WrittenStudy>
{
    [Fact]
    public async Task Dcmdump_reads_every_generated_file_without_errors_or_warnings()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dcmdump") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var file in written.DicomFiles)
        {
            start.ArgumentList.Add(file);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, errors);
        Assert.DoesNotMatch(@"(?m)^(E|W|F): ", errors + await output);
        Assert.Equal(written.DicomFiles.Count(), System.Text.RegularExpressions.Regex.Matches(await output, @"\(7fe0,0010\) OW").Count);
    }
}
