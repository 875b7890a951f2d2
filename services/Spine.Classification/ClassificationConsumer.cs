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
    : StudyStage<SegmentationCompleted>(ledger, time, logger)
{
    protected override PipelineStage Stage => PipelineStage.Classification;

    protected override IObjectStore Store => store;

    protected override async Task<StageResult> RunAsync(SegmentationCompleted message, CancellationToken cancellationToken)
    {
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
            return StageResult.Failed("no-assessable-level",
                "the series shows no lumbar level the models can grade: " + string.Join("; ", levels.Select(l => $"{l.Level.Name()}: {l.NotAssessableReason}")));
        }

        // Cranial to caudal, as the report lists them.
        levels.Sort((a, b) => a.Level.CompareTo(b.Level));
        LogClassified(logger, message.StudyId, levels.Count);
        return StageResult.Completed(new FindingsClassified
        {
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            CorrelationId = message.CorrelationId,
            OccurredAt = Time.GetUtcNow(),
            Volume = message.Volume,
            LabelMap = message.LabelMap,
            Levels = levels,
            SeriesInstanceUid = message.SeriesInstanceUid,
            Models = [message.Model, .. new[] { graders.Models.CanalTreeModel, graders.Models.CentralCanal.Model, graders.Models.Foramen.Model, graders.Models.Facet.Model }.Select(LevelFindings.Info)],
            Manifest = message.Manifest,
            Series = message.Series,
        }, $"{levels.Count(l => l.NotAssessableReason is null)} levels graded, {levels.Count(l => l.NotAssessableReason is not null)} not assessable");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} classified: {Levels} levels")]
    private static partial void LogClassified(ILogger logger, Guid studyId, int levels);
}
