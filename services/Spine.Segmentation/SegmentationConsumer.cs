using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Analysis;
using Spine.Analysis.Anatomy;
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
/// them stacked like the prepared volume. A contiguous stack through several levels is split here into one slab per
/// disc found along it (<see cref="StackLevels"/>), each named from the bottom up, with its own image and label map.
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
            if (!slab.ContiguousStack)
            {
                var stored = await NiftiObjects.PutAsync(store, StudyKeys.LabelMap(message.StudyId, slabs.Count), map, cancellationToken);
                slabs.Add(slab with { LabelMap = stored, SegmentationConfidence = Math.Round(SegmentedSlice.Pooled(segmented), 4) });
                continue;
            }

            var levels = StackLevels.Find(map);
            if (levels.Count == 0)
            {
                return StageResult.Failed("no-disc-found", $"the contiguous stack of {image.SizeK} slices shows no disc in its segmentation, so no level can be found along it");
            }

            LogStackSplit(logger, message.StudyId, image.SizeK, levels.Count, levels.Count(l => l.Level is null));
            foreach (var level in levels.Where(l => l.Level is not null))
            {
                var (first, count) = (level.FirstSlice, level.SliceCount);
                var volume = await NiftiObjects.PutAsync(store, StudyKeys.StackLevel(message.StudyId, slabs.Count), image.Slices(first, count), cancellationToken);
                var labelMap = await NiftiObjects.PutAsync(store, StudyKeys.LabelMap(message.StudyId, slabs.Count), map.Slices(first, count), cancellationToken);
                slabs.Add(slab with
                {
                    FirstSlice = slab.FirstSlice + first, SliceCount = count, Level = level.Level, LevelUncertain = level.LevelUncertain, ContiguousStack = false,
                    Volume = volume, LabelMap = labelMap, SegmentationConfidence = Math.Round(SegmentedSlice.Pooled(segmented.Skip(first).Take(count)), 4),
                    Instances = slab.Instances is { } instances ? [.. instances.Skip(first).Take(count)] : null,
                });
            }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId}: contiguous stack of {Slices} slices split into {Levels} disc levels ({Unnamed} above T12-L1 left out)")]
    private static partial void LogStackSplit(ILogger logger, Guid studyId, int slices, int levels, int unnamed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} segmented: {Slabs} slabs")]
    private static partial void LogSegmented(ILogger logger, Guid studyId, int slabs);
}
