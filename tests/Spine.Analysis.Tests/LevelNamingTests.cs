using Spine.Analysis.Anatomy;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Imaging;
using Spine.Phantom;

namespace Spine.Analysis.Tests;

public sealed class LevelNamingTests
{
    [Fact]
    public void Five_slabs_are_named_from_the_sacrum_up_whatever_their_order()
    {
        var centres = new[] { 40.0, 0, 80, 120, -35 }.Select(z => new Vector3D(0, 0, z)).ToList();

        var levels = LevelAssignment.Assign(centres);

        Assert.Equal([SpinalLevel.L3L4, SpinalLevel.L4L5, SpinalLevel.L2L3, SpinalLevel.L1L2, SpinalLevel.L5S1], levels.Select(l => l.Level!.Value));
        Assert.All(levels, l => Assert.False(l.Uncertain));
    }

    [Fact]
    public void Fewer_or_more_than_five_slabs_are_flagged_uncertain_a_sixth_is_t12_l1_and_a_seventh_stays_unnamed()
    {
        var three = LevelAssignment.Assign([new(0, 0, 10), new(0, 0, 50), new(0, 0, 90)]);
        var seven = LevelAssignment.Assign(Enumerable.Range(0, 7).Select(i => new Vector3D(0, 0, i * 40)).ToList());

        Assert.Equal([SpinalLevel.L5S1, SpinalLevel.L4L5, SpinalLevel.L3L4], three.Select(l => l.Level!.Value));
        Assert.All(three, l => Assert.True(l.Uncertain));
        Assert.Equal(SpinalLevel.L1L2, seven[4].Level);
        Assert.Equal(SpinalLevel.T12L1, seven[5].Level);
        Assert.Null(seven[6].Level);
        Assert.All(seven, l => Assert.True(l.Uncertain));
    }

    /// <summary>A contiguous phantom study's reference label maps as the one stack they were cut from, bottom slice first.</summary>
    private static (Volume<byte> Stack, IReadOnlyList<(LevelTruth Truth, int FirstSlice)> Levels) ContiguousStudy(PhantomOptions options)
    {
        var study = PhantomGenerator.Generate(options with { ContiguousStack = true, Distractors = false });
        var ordered = study.Slabs.Zip(study.Truth.Levels).OrderBy(s => s.First.Labels.Geometry.Origin.Z).ToList();
        var first = ordered[0].First.Labels;
        var voxels = ordered.SelectMany(s => s.First.Labels.Voxels).ToArray();
        var stack = new Volume<byte>(first.SizeI, first.SizeJ, ordered.Sum(s => s.First.Labels.SizeK), first.Geometry, voxels);
        var starts = ordered.Select((s, n) => (s.Second, ordered.Take(n).Sum(p => p.First.Labels.SizeK))).ToList();
        return (stack, starts);
    }

    [Theory]
    [InlineData(31, PhantomProfile.Standard)]
    [InlineData(32, PhantomProfile.Hard)]
    [InlineData(33, PhantomProfile.Hard)]
    public void The_discs_of_a_contiguous_stack_are_found_one_level_each_named_as_the_ground_truth_says(int seed, PhantomProfile profile)
    {
        var (stack, truths) = ContiguousStudy(new PhantomOptions { Seed = seed, Profile = profile });

        var levels = StackLevels.Find(stack);

        Assert.Equal(truths.Count, levels.Count);
        foreach (var (level, (truth, firstSlice)) in levels.Zip(truths))
        {
            Assert.Equal(truths.Count != 5, level.LevelUncertain);
            if (!level.LevelUncertain)
            {
                Assert.Equal(truth.Level, level.Level);
            }

            // The level's slices hold the ground truth's graded slice and no slice of another level.
            Assert.InRange(firstSlice + truth.MidSlice, level.FirstSlice, level.FirstSlice + level.SliceCount - 1);
            Assert.InRange(level.FirstSlice, firstSlice, firstSlice + truth.SliceCount - 1);
            Assert.InRange(level.FirstSlice + level.SliceCount - 1, firstSlice, firstSlice + truth.SliceCount - 1);
        }
    }

    [Fact]
    public void A_stack_whose_segmentation_shows_no_disc_has_no_level()
    {
        var (stack, _) = ContiguousStudy(new PhantomOptions { Seed = 34 });
        var noDisc = stack.Map(label => label == LabelSlice.Disc ? (byte)0 : label);

        Assert.Empty(StackLevels.Find(noDisc));
    }
}
