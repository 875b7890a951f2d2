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

namespace Spine.Explanation;

/// <summary>
/// FindingsClassified to ExplanationsReady: for every finding a rationale sentence, and for every CNN grade its class
/// activation map carried back onto the mid slice, as a heat map and as an overlay with the mask contours and the
/// graded region's box (the canal's overlay outlines the sac the tree's area was measured in). The graders' maps are recomputed from the stored slab and label map (the same models, so the
/// same answers: a grade that differs from the classified one fails the study rather than explain something else).
/// </summary>
public sealed partial class ExplanationConsumer(IObjectStore store, IStudyLedger ledger, GraderHost graders, TimeProvider time, ILogger<ExplanationConsumer> logger)
    : StudyStage<FindingsClassified>(ledger, time, logger)
{
    protected override PipelineStage Stage => PipelineStage.Explanation;

    protected override IObjectStore Store => store;

    protected override async Task<StageResult> RunAsync(FindingsClassified message, CancellationToken cancellationToken)
    {
        var levels = new List<LevelReport>();
        foreach (var level in message.Levels)
        {
            if (level.NotAssessableReason is not null)
            {
                levels.Add(level); // nothing graded, nothing to explain
                continue;
            }

            var (image, labelVolume) = await SegmentedSlabs.ReadAsync(store, level.Slices, cancellationToken);
            var analysis = LevelAnalysis.Analyse(image, labelVolume, graders.Models);
            var findings = new List<Finding>();
            foreach (var finding in level.Findings)
            {
                var (result, region, spec, rationale) = Explain(analysis, finding);
                if (result.Grade != finding.Grade && finding.Kind != FindingKind.CentralCanalStenosis)
                {
                    return StageResult.Failed("explanation-mismatch",
                        $"{level.Level} {finding.Kind} {finding.Side}: the grader now gives {result.Grade}, classification gave {finding.Grade}; the models changed between the stages.");
                }

                var side = finding.Side == Side.Right ? Side.Right : Side.Left;
                var (centreX, centreY) = region is null ? (analysis.Frame.CentreX, analysis.Frame.CentreY) : (region.CentreXMm, region.CentreYMm);
                var g = image.Geometry;
                var heat = ClassActivationMaps.OnSlice(result, result.Grade, spec, analysis.Frame, side, centreX, centreY, image.SizeI, image.SizeJ, g.SpacingI, g.SpacingJ);
                var name = StudyKeys.FindingName(level.Level, finding.Kind, finding.Side);
                var heatMap = await PutPngAsync(StudyKeys.Explanation(message.StudyId, name + "-heat.png"), new SliceRenderer().RenderPng(image, analysis.MidSlice, heat: heat), cancellationToken);
                await NiftiObjects.PutAsync(store, StudyKeys.ActivationMap(message.StudyId, name), OneSlice(image.Geometry, analysis.MidSlice, image.SizeI, image.SizeJ, heat), cancellationToken);
                // The canal is graded by the tree from the sac's area: its picture shows that outline, not the CNN's map.
                var canal = finding.Kind == FindingKind.CentralCanalStenosis;
                var overlay = await PutPngAsync(StudyKeys.Explanation(message.StudyId, name + "-overlay.png"),
                    LevelOverlay.RenderPng(image, labelVolume, analysis.MidSlice, region is null ? [] : [region], canal ? null : heat, outlineSac: canal), cancellationToken);
                findings.Add(finding with { Explanation = new FindingExplanation { Rationale = rationale, HeatMap = heatMap, Overlay = overlay } });
            }

            levels.Add(level with { Findings = findings });
        }

        LogExplained(logger, message.StudyId, levels.Count);
        return StageResult.Completed(new ExplanationsReady
        {
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            CorrelationId = message.CorrelationId,
            OccurredAt = Time.GetUtcNow(),
            Levels = levels,
            SeriesInstanceUid = message.SeriesInstanceUid,
            Models = message.Models,
            Manifest = message.Manifest,
            Series = message.Series,
        }, $"{levels.Sum(l => l.Findings.Count)} findings explained");
    }

    /// <summary>The grader answer whose map explains the finding, its region, its crop and the sentence.</summary>
    private (GraderResult Result, LocatedRegion? Region, CropSpec Spec, string Rationale) Explain(LevelAnalysis analysis, Finding finding)
    {
        if (finding.Kind == FindingKind.CentralCanalStenosis)
        {
            var cnn = analysis.CentralCanalCnn;
            var sentence = Rationale.CentralCanal(analysis.Measurements, analysis.CentralCanalTree)
                + $" The picture outlines the dural sac as measured. The central canal CNN gives {Rationale.GradeName(cnn.Grade)}{(cnn.Grade == finding.Grade ? ", in agreement" : ", disagreeing: review")}; its heat map is kept as the finding's heat map.";
            return (cnn, null, Spec(graders.Models.CentralCanal, RegionKind.CentralCanal), sentence);
        }

        var kind = finding.Kind == FindingKind.ForaminalStenosis ? RegionKind.Foramen : RegionKind.Facet;
        var graded = analysis.Region(kind, finding.Side);
        var title = $"{(finding.Side == Side.Left ? "Left" : "Right")} {(kind == RegionKind.Foramen ? "foramen" : "facet")}";
        return (graded.Result, graded.Region, Spec(kind == RegionKind.Foramen ? graders.Models.Foramen : graders.Models.Facet, kind), Rationale.Cnn(title, kind, graded.Result, graded.Region));
    }

    /// <summary>Slice <paramref name="k"/>'s values as a volume of one slice that keeps the slice's place in the patient.</summary>
    private static Volume<float> OneSlice(VolumeGeometry geometry, int k, int sizeI, int sizeJ, float[] values) =>
        new(sizeI, sizeJ, 1, geometry with { Origin = geometry.WorldOf(0, 0, k) }, values);

    private static CropSpec Spec(GraderSession grader, RegionKind kind) => new(kind, grader.Crop.SizeMm, grader.Crop.Pixels);

    private async Task<ObjectRef> PutPngAsync(string key, byte[] png, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(png, writable: false);
        return await store.PutAsync(key, content, "image/png", cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} explained: {Levels} levels")]
    private static partial void LogExplained(ILogger logger, Guid studyId, int levels);
}
