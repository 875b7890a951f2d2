using Spine.Preprocessing;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Phantom;

namespace Spine.Preprocessing.Tests;

public sealed class PreprocessingRuleTests
{
    private static IReadOnlyList<SeriesGroup> SeriesOf(PhantomStudy study, Func<PhantomSeries, bool>? keep = null) =>
        StudyGrouping.Group(study.Series.Where(keep ?? (_ => true))
            .SelectMany(s => s.Images)
            .Select(image => new DicomFile(new DicomDataset(), image, DicomTransferSyntax.ExplicitVRLittleEndian)))
            .Single().Series;

    private static readonly Lazy<PhantomStudy> Study = new(() => PhantomGenerator.Generate(new PhantomOptions { Seed = 515151 }));

    [Fact]
    public void The_axial_t2_series_is_chosen_over_the_sagittal_t2_and_the_axial_t1_with_reasons_for_each()
    {
        var choice = SeriesSelection.Choose(SeriesOf(Study.Value));

        Assert.Equal(Study.Value.Truth.AxialT2SeriesInstanceUid, choice.Chosen!.SeriesInstanceUid);
        Assert.Equal(3, choice.Verdicts.Count);
        Assert.Contains(choice.Verdicts, v => !v.Usable && v.Reason == "sagittal");
        Assert.Contains(choice.Verdicts, v => !v.Usable && v.Reason.StartsWith("axial, T1-weighted (TR 620 ms, TE 12 ms)", StringComparison.Ordinal));
        Assert.Contains("T2-weighted (TR 4200 ms, TE 102 ms)", choice.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_without_an_axial_t2_series_gets_no_choice_and_a_summary_that_says_why()
    {
        var choice = SeriesSelection.Choose(SeriesOf(Study.Value, s => s.SeriesInstanceUid != Study.Value.Truth.AxialT2SeriesInstanceUid));

        Assert.Null(choice.Chosen);
        Assert.StartsWith("no usable axial T2-weighted series: ", choice.Summary, StringComparison.Ordinal);
        Assert.Contains("sagittal", choice.Summary, StringComparison.Ordinal);
        Assert.Contains("T1-weighted", choice.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AX T2 FSE", true)]
    [InlineData("t2_tse_tra", true)]
    [InlineData("AX T1", false)]
    [InlineData("AX T2 STIR", false)]
    [InlineData("T2* GRE", false)]
    [InlineData("", false)]
    public void Without_tr_and_te_the_series_description_decides(string description, bool usable)
    {
        var study = Study.Value;
        var images = study.Series.Single(s => s.SeriesInstanceUid == study.Truth.AxialT2SeriesInstanceUid).Images.Select(image =>
        {
            var copy = new DicomDataset();
            foreach (var element in image.Where(e => e.Tag != DicomTags.RepetitionTime && e.Tag != DicomTags.EchoTime && e.Tag != DicomTags.SeriesDescription))
            {
                copy.Set(element);
            }

            if (description.Length > 0)
            {
                copy.SetString(DicomTags.SeriesDescription, DicomVR.LO, description);
            }

            return new DicomFile(new DicomDataset(), copy, DicomTransferSyntax.ExplicitVRLittleEndian);
        });

        var choice = SeriesSelection.Choose(StudyGrouping.Group(images).Single().Series);

        Assert.Equal(usable, choice.Chosen is not null);
    }

    /// <summary>The phantom's axial T2 images, re-planned as one run of parallel slices 4 mm apart through every level.</summary>
    private static List<DicomFile> ReplannedAsOneStack(PhantomStudy study)
    {
        var images = study.Series.Single(s => s.SeriesInstanceUid == study.Truth.AxialT2SeriesInstanceUid).Images;
        var first = ImagePlane.From(images[0])!;
        return images.Select((image, k) =>
        {
            var copy = new DicomDataset();
            foreach (var element in image)
            {
                copy.Set(element);
            }

            var position = first.Position + (first.Normal * (4.0 * k));
            copy.SetNumbers(DicomTags.ImagePositionPatient, DicomVR.DS, position.X, position.Y, position.Z);
            copy.SetNumbers(DicomTags.ImageOrientationPatient, DicomVR.DS, first.RowDirection.X, first.RowDirection.Y, first.RowDirection.Z,
                first.ColumnDirection.X, first.ColumnDirection.Y, first.ColumnDirection.Z);
            return new DicomFile(new DicomDataset(), copy, DicomTransferSyntax.ExplicitVRLittleEndian);
        }).ToList();
    }

    [Fact]
    public void A_contiguous_axial_stack_is_taken_with_its_extent_and_prepared_whole_for_segmentation_to_find_its_levels()
    {
        var stack = ReplannedAsOneStack(Study.Value);

        var choice = SeriesSelection.Choose(StudyGrouping.Group(stack).Single().Series);
        var slabs = StudyPreparation.Prepare(choice.Chosen!, 0.6875);

        var verdict = Assert.Single(choice.Verdicts);
        Assert.True(verdict.Usable);
        Assert.Contains($"a contiguous axial stack ({stack.Count} parallel slices over {4 * (stack.Count - 1)} mm), its levels found from the segmented discs", verdict.Reason, StringComparison.Ordinal);
        var slab = Assert.Single(slabs);
        Assert.True(slab.ContiguousStack);
        Assert.Null(slab.Level);
        Assert.Equal(stack.Count, slab.Image.SizeK);
    }

    [Fact]
    public void A_contiguous_stack_beside_disc_angled_blocks_in_one_series_is_turned_away_never_named_as_two_sequences()
    {
        var study = Study.Value;
        var angled = SeriesOf(study, s => s.SeriesInstanceUid == study.Truth.AxialT2SeriesInstanceUid).Single().Instances;
        var stack = ReplannedAsOneStack(study).Select(file =>
        {
            var copy = new DicomDataset();
            foreach (var element in file.Dataset)
            {
                copy.Set(element);
            }

            // The same stack moved well away from the blocks, with instances of its own.
            var plane = ImagePlane.From(copy)!;
            var moved = plane.Position + new Vector3D(0, 0, 400);
            copy.SetNumbers(DicomTags.ImagePositionPatient, DicomVR.DS, moved.X, moved.Y, moved.Z);
            copy.SetString(DicomTags.SopInstanceUid, DicomVR.UI, copy.GetString(DicomTags.SopInstanceUid) + ".9");
            return new DicomFile(new DicomDataset(), copy, DicomTransferSyntax.ExplicitVRLittleEndian);
        });

        var choice = SeriesSelection.Choose(StudyGrouping.Group([.. angled, .. stack]).Single().Series);

        Assert.Null(choice.Chosen);
        Assert.Contains("beside 5 other blocks in one series: the levels cannot be named as one sequence", Assert.Single(choice.Verdicts).Reason, StringComparison.Ordinal);
    }
}

public sealed class StudyPreparationTests
{
    [Fact]
    public void The_phantoms_axial_t2_series_gives_one_named_normalised_slab_per_disc()
    {
        var study = PhantomGenerator.Generate(new PhantomOptions { Seed = 626262 });
        var series = StudyGrouping.Group(study.Series.SelectMany(s => s.Images).Select(i => new DicomFile(new DicomDataset(), i, DicomTransferSyntax.ExplicitVRLittleEndian))).Single().Series;
        var chosen = SeriesSelection.Choose(series).Chosen!;

        var slabs = StudyPreparation.Prepare(chosen, 0.6875);

        Assert.Equal(5, slabs.Count);
        foreach (var truth in study.Truth.Levels)
        {
            var slab = slabs.Single(s => s.Level == truth.Level);
            Assert.False(slab.LevelUncertain);
            // Slice k of the slab is the slab's k-th source instance, in the order of their positions along the normal.
            Assert.Equal(Enumerable.Range(truth.FirstInstanceNumber, truth.SliceCount), slab.Instances.Select(i => i.InstanceNumber));
            Assert.Equal(slab.Instances.Select(i => i.SlicePositionMm).Order(), slab.Instances.Select(i => i.SlicePositionMm));
            Assert.All(slab.Instances, i => Assert.True(DicomUid.IsValid(i.SopInstanceUid)));
            Assert.Equal(truth.SliceCount, slab.Image.SizeK);
            Assert.Equal(0f, slab.Image.Voxels.Min());
            Assert.Equal(1f, slab.Image.Voxels.Max());
        }
    }

    [Fact]
    public void Slabs_at_another_spacing_are_resampled_to_the_models()
    {
        var study = PhantomGenerator.Generate(new PhantomOptions { Seed = 626263, Acquisition = Acquisition.Default });
        var axial = study.Series.Single(s => s.SeriesInstanceUid == study.Truth.AxialT2SeriesInstanceUid);
        var series = StudyGrouping.Group(axial.Images.Select(i => new DicomFile(new DicomDataset(), i, DicomTransferSyntax.ExplicitVRLittleEndian))).Single().Series.Single();

        var slab = StudyPreparation.Prepare(series, 0.5)[0];

        Assert.Equal(0.5, slab.Image.Geometry.SpacingI, 6);
        Assert.Equal(440, slab.Image.SizeI);
    }
}
