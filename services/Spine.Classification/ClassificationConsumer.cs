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
/// located by the rules, the three CNN graders and the central canal decision tree (Spine.Analysis). A level that
/// cannot be graded (no dural sac found, implausible anatomy, the segmenter unsure: LevelAssessment) is reported not
/// assessable with the reason, and the other levels as usual; when no level can be graded, the series shows no lumbar
/// anatomy the models can read and the study fails with the reasons.
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
            string? problem;
            try
            {
                var analysis = LevelAnalysis.Analyse(image, labels, graders.Models);
                problem = LevelAssessment.Problem(analysis.Measurements, slab.SegmentationConfidence);
                if (problem is null)
                {
                    levels.Add(LevelFindings.ToReport(analysis, slab.Level!.Value, slab.LevelUncertain, slab, graders.Models));
                    continue;
                }
            }
            catch (AnatomyNotFoundException ex)
            {
                problem = ex.Message;
            }

            levels.Add(LevelFindings.NotAssessable(slab.Level!.Value, slab.LevelUncertain, slab, problem));
        }

        if (levels.Count > 0 && levels.All(l => l.NotAssessableReason is not null))
        {
            await FailAsync(context, "no-assessable-level",
                "the series shows no lumbar level the models can grade: " + string.Join("; ", levels.Select(l => $"{l.Level.Name()}: {l.NotAssessableReason}")));
            return;
        }

        // Cranial to caudal, as the report lists them.
        levels.Sort((a, b) => a.Level.CompareTo(b.Level));
        await ledger.RecordAsync(message.StudyId, PipelineStage.Classification, StageOutcome.Completed,
            $"{levels.Count(l => l.NotAssessableReason is null)} levels graded, {levels.Count(l => l.NotAssessableReason is not null)} not assessable", cancellationToken);
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
            Series = message.Series,
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
