using Microsoft.Extensions.Options;
using Spine.Contracts.V1;
using Spine.Evaluation;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Pipeline;
using Spine.Platform.Models;
using Spine.Platform.Storage;
using Spine.Preprocessing;
using Spine.Segmentation;
using Spine.Testing;

namespace Spine.Segmentation.Tests;

/// <summary>VolumePrepared to SegmentationCompleted with the reference segmenter, from a folder import.</summary>
public sealed class SegmentationTests : IAsyncLifetime
{
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync([IngestionModule.Module, PreprocessingModule.Module, SegmentationModule.Module], EmbeddedPlatform.Record<SegmentationCompleted>);

    [Fact]
    public async Task Every_slab_gets_a_label_map_on_the_grid_it_was_segmented_on_that_outlines_the_dural_sac()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 838383, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "in"));

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));
        var segmented = await _platform.WaitForAsync<SegmentationCompleted>(m => m.StudyId == study.StudyId, seconds: 120);

        Assert.Equal("spine-vnet-segmenter", segmented.Model.Name);
        Assert.Equal(5, segmented.Slabs.Count);
        var store = _platform.Service<IObjectStore>();
        foreach (var slab in segmented.Slabs)
        {
            var labels = await NiftiObjects.ReadAsync(store, slab.LabelMap!, CancellationToken.None);
            // The prepared slab's grid: the acquisition's in-plane pixels resampled to the model's spacing (the NIfTI's
            // affine says where it lies); the phantom's own label map is brought onto the same grid to compare.
            var native = phantom.Slabs.Single(s => s.Level == slab.Level).Labels;
            Assert.Equal(labels.Geometry.SpacingI, labels.Geometry.SpacingJ, 6);
            var truth = Imaging.Resampling.ToInPlaneSpacing(native.Map(v => (float)v), labels.Geometry.SpacingI, Imaging.Interpolation.Nearest);
            Assert.Equal((truth.SizeI, truth.SizeJ, native.SizeK), (labels.SizeI, labels.SizeJ, labels.SizeK));
            var (predicted, reference) = (labels.Voxels.Select(v => (byte)v).ToArray(), truth.Voxels.Select(v => (byte)v).ToArray());
            Assert.True(Metrics.Dice(predicted, reference, 3) > 0.9, $"{slab.Level}: sac Dice {Metrics.Dice(predicted, reference, 3):0.000}");
        }

        var stacked = await NiftiObjects.ReadAsync(store, segmented.LabelMap, CancellationToken.None);
        Assert.Equal(segmented.Slabs.Sum(s => s.SliceCount), stacked.SizeK);
    }

    [Fact]
    public async Task A_contiguous_stack_is_split_into_one_named_slab_per_disc_each_on_its_own_levels_slices_and_source_images()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 848484, Distractors = false, ContiguousStack = true });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "stack"));

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "stack", "dicom")));
        var segmented = await _platform.WaitForAsync<SegmentationCompleted>(m => m.StudyId == study.StudyId, seconds: 120);

        Assert.Equal(phantom.Truth.Levels.Select(l => l.Level).Order(), segmented.Slabs.Select(s => s.Level!.Value).Order());
        var store = _platform.Service<IObjectStore>();
        foreach (var slab in segmented.Slabs)
        {
            Assert.False(slab.LevelUncertain);
            Assert.False(slab.ContiguousStack);

            // The slab's source images are the ground truth level's, and hold the slice the level is graded on.
            var truth = phantom.Truth.Levels.Single(l => l.Level == slab.Level);
            var truthInstances = Enumerable.Range(truth.FirstInstanceNumber, truth.SliceCount).ToList();
            Assert.Equal(slab.SliceCount, slab.Instances!.Count);
            Assert.All(slab.Instances, instance => Assert.Contains(instance.InstanceNumber, truthInstances));
            Assert.Contains(truth.FirstInstanceNumber + truth.MidSlice, slab.Instances.Select(i => i.InstanceNumber));

            var (image, labels) = (await NiftiObjects.ReadAsync(store, slab.Volume!, CancellationToken.None), await NiftiObjects.ReadAsync(store, slab.LabelMap!, CancellationToken.None));
            Assert.Equal((image.SizeI, image.SizeJ, slab.SliceCount), (labels.SizeI, labels.SizeJ, labels.SizeK));
            Assert.Contains(labels.Voxels, v => (byte)v == 1); // its disc
        }

        var stacked = await NiftiObjects.ReadAsync(store, segmented.LabelMap, CancellationToken.None);
        Assert.Equal(phantom.Truth.Levels.Sum(l => l.SliceCount), stacked.SizeK); // the whole stack, for display
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
