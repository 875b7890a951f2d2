using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Analysis;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
using Spine.Pipeline;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;

namespace Spine.Classification;

/// <summary>
/// SegmentationCompleted to FindingsClassified: for each named slab, the mid slice, measurements, foramina and facets
/// located by the rules, the three CNN graders and the central canal decision tree (Spine.Analysis). A level whose
/// segmentation holds no dural sac fails the study with the reason, since its findings cannot be given.
/// </summary>
public sealed partial class ClassificationConsumer(IObjectStore store, IStudyLedger ledger, GraderHost graders, TimeProvider time, ILogger<ClassificationConsumer> logger)
    : IConsumer<SegmentationCompleted>
{
    public async Task Consume(ConsumeContext<SegmentationCompleted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        await ledger.RecordAsync(message.StudyId, PipelineStage.Classification, StageOutcome.Started, cancellationToken: cancellationToken);
        var levels = new List<LevelReport>();
        foreach (var slab in message.Slabs.Where(s => s.Level is not null))
        {
            var (image, labels) = await SegmentedSlabs.ReadAsync(store, slab, cancellationToken);
            LevelAnalysis analysis;
            try
            {
                analysis = LevelAnalysis.Analyse(image, labels, graders.Models);
            }
            catch (AnatomyNotFoundException ex)
            {
                await FailAsync(context, "level-not-measurable", $"{slab.Level}: {ex.Message}");
                return;
            }

            levels.Add(LevelFindings.ToReport(analysis, slab.Level!.Value, slab.LevelUncertain, slab, graders.Models));
        }

        // Cranial to caudal, as the report lists them.
        levels.Sort((a, b) => a.Level.CompareTo(b.Level));
        await ledger.RecordAsync(message.StudyId, PipelineStage.Classification, StageOutcome.Completed, $"{levels.Count} levels graded", cancellationToken);
        await context.Publish(new FindingsClassified
        {
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            CorrelationId = message.CorrelationId,
            OccurredAt = time.GetUtcNow(),
            Volume = message.Volume,
            LabelMap = message.LabelMap,
            Levels = levels,
            SeriesInstanceUid = message.SeriesInstanceUid,
            Models = [message.Model, .. new[] { graders.Models.CanalTreeModel, graders.Models.CentralCanal.Model, graders.Models.Foramen.Model, graders.Models.Facet.Model }.Select(LevelFindings.Info)],
            Manifest = message.Manifest,
        }, cancellationToken);
        LogClassified(logger, message.StudyId, levels.Count);
    }

    private async Task FailAsync(ConsumeContext<SegmentationCompleted> context, string code, string reason)
    {
        await StudyFailures.FailAsync(context, ledger, time, logger, PipelineStage.Classification, code, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} classified: {Levels} levels")]
    private static partial void LogClassified(ILogger logger, Guid studyId, int levels);
}
