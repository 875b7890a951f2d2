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
    public async Task Every_slab_gets_a_label_map_on_its_own_grid_that_outlines_the_dural_sac()
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
            var truth = phantom.Slabs.Single(s => s.Level == slab.Level);
            Assert.Equal((truth.Labels.SizeI, truth.Labels.SizeJ, truth.Labels.SizeK), (labels.SizeI, labels.SizeJ, labels.SizeK));
            var predicted = labels.Voxels.Select(v => (byte)v).ToArray();
            Assert.True(Metrics.Dice(predicted, truth.Labels.Voxels, 3) > 0.9, $"{slab.Level}: sac Dice {Metrics.Dice(predicted, truth.Labels.Voxels, 3):0.000}");
        }

        var stacked = await NiftiObjects.ReadAsync(store, segmented.LabelMap, CancellationToken.None);
        Assert.Equal(segmented.Slabs.Sum(s => s.SliceCount), stacked.SizeK);
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
