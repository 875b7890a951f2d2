using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Analysis;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Pipeline;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;

namespace Spine.Segmentation;

/// <summary>
/// VolumePrepared to SegmentationCompleted: every slab's slices through the segmenter (batched with other slabs' and
/// other studies' slices up to Spine:Models:BatchSize), one label map per slab on the slab's own grid, and all of
/// them stacked like the prepared volume.
/// </summary>
public sealed partial class SegmentationConsumer(IObjectStore store, IStudyLedger ledger, SegmenterHost segmenter, TimeProvider time, ILogger<SegmentationConsumer> logger)
    : StudyStage<VolumePrepared>(ledger, time, logger)
{
    protected override PipelineStage Stage => PipelineStage.Segmentation;

    protected override IObjectStore Store => store;

    protected override async Task<StageResult> RunAsync(VolumePrepared message, CancellationToken cancellationToken)
    {
        var slabs = new List<SliceSlab>();
        var maps = new List<Volume<byte>>();
        foreach (var slab in message.Slabs)
        {
            var image = await NiftiObjects.ReadAsync(store, slab.Volume ?? throw new InvalidDataException($"study {message.StudyId}: slab at slice {slab.FirstSlice} has no volume."), cancellationToken);
            var segmented = await segmenter.Batcher.SegmentAsync(
                Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList(), image.SizeI, image.SizeJ, cancellationToken);

            var map = new Volume<byte>(image.SizeI, image.SizeJ, image.SizeK, image.Geometry, segmented.SelectMany(s => s.Labels).ToArray());
            maps.Add(map);
            var stored = await NiftiObjects.PutAsync(store, StudyKeys.LabelMap(message.StudyId, slabs.Count), map, cancellationToken);
            slabs.Add(slab with { LabelMap = stored, SegmentationConfidence = Math.Round(SegmentedSlice.Pooled(segmented), 4) });
        }

        var stacked = await NiftiObjects.PutAsync(store, StudyKeys.StackedLabelMap(message.StudyId), Stacking.Stack(maps), cancellationToken);
        var model = LevelFindings.Info(segmenter.Session.Model);
        LogSegmented(logger, message.StudyId, slabs.Count);
        return StageResult.Completed(new SegmentationCompleted
        {
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            CorrelationId = message.CorrelationId,
            OccurredAt = Time.GetUtcNow(),
            Volume = message.Volume,
            LabelMap = stacked,
            Slabs = slabs,
            Model = model,
            SeriesInstanceUid = message.SeriesInstanceUid,
            Manifest = message.Manifest,
            Series = message.Series,
        }, $"{slabs.Count} slabs by {model.Name} {model.Version}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} segmented: {Slabs} slabs")]
    private static partial void LogSegmented(ILogger logger, Guid studyId, int slabs);
}
