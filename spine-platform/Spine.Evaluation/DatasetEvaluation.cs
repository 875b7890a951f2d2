using System.Text.Json;
using Spine.Analysis;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Phantom;

namespace Spine.Evaluation;

/// <summary>
/// Runs the models on a labelled dataset (the nnU-Net layout, with grades.json giving each case's reference grades,
/// readers' grades, mid slice, measurements and region boxes) exactly as the pipeline does: slabs resampled to the
/// segmenter's spacing, ONNX Runtime segmentation, the mid slice chosen from the predicted masks, the same rules on
/// whether a level can be graded (LevelAssessment), measurements, the geometric rules, crops, graders and the decision
/// tree. The reference is used only to score. Every figure comes with a 95 % bootstrap interval over studies.
/// </summary>
public static class DatasetEvaluation
{
    public static EvaluationReport Run(string datasetFolder, ModelSet models, Action<int, int>? progress = null, int bootstrapReplicates = Bootstrap.DefaultReplicates)
    {
        ArgumentNullException.ThrowIfNull(datasetFolder);
        ArgumentNullException.ThrowIfNull(models);
        var gradesPath = Path.Combine(datasetFolder, "grades.json");
        if (!File.Exists(gradesPath))
        {
            throw new FileNotFoundException($"{gradesPath}: not found; the dataset needs reference grades (spine phantom dataset writes them).", gradesPath);
        }

        var cases = JsonSerializer.Deserialize(File.ReadAllText(gradesPath), DatasetJsonContext.Default.IReadOnlyListDatasetCase)
            ?? throw new InvalidDataException($"{gradesPath}: empty.");
        var spacing = models.SegmenterModel.Manifest.Input!.SpacingMm;
        var dice = new DiceTally(models.SegmenterModel.Manifest.Output!.Labels);
        var graded = new List<GradedFinding>();
        var iou = new Dictionary<(RegionKind Kind, bool AsSeen), List<(int Study, double IoU, bool FromMasks)>>();
        var sacErrors = new List<double>();
        var (slices, notMeasurable, done) = (0, 0, 0);
        var (truthRefused, refusedAsTruth, gradedDespite, refusedAssessable) = (0, 0, 0, 0);
        foreach (var item in cases)
        {
            var (image, truth, toNative) = DatasetSlabs.Read(datasetFolder, item.Case, spacing);
            var segmented = models.Segmenter.SegmentSlices([.. Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray())], image.SizeI, image.SizeJ);
            var predicted = segmented.Select(s => s.Labels).ToList();
            slices += image.SizeK;
            var tags = item.Tags ?? [];
            var readers = item.Truth.Readers;
            var grades = item.Truth.Grades;

            // A level the reference cannot read either (a metal artefact over it) is not scored: refusing it is right.
            string? problem;
            LevelAnalysis? level = null;
            try
            {
                level = LevelAnalysis.Analyse(image, predicted, models);
                problem = LevelAssessment.Problem(level.Measurements, SegmentedSlice.Pooled(segmented));
            }
            catch (AnatomyNotFoundException ex)
            {
                problem = ex.Message;
            }

            if (!item.Truth.Assessable)
            {
                truthRefused++;
                (refusedAsTruth, gradedDespite) = problem is null ? (refusedAsTruth, gradedDespite + 1) : (refusedAsTruth + 1, gradedDespite);
                progress?.Invoke(++done, cases.Count);
                continue;
            }

            dice.Add(item.Seed, truth, predicted);

            void Add(string key, Func<LevelGrades, int> finding, int predictedGrade, IReadOnlyList<double> probabilities) =>
                graded.Add(new GradedFinding(key, item.Seed, finding(grades), predictedGrade, probabilities, readers?.Select(finding).ToList(), tags));

            IReadOnlyList<double> unsure = [0.25, 0.25, 0.25, 0.25];
            if (problem is not null || level is null)
            {
                // Refused where the reference grades: scored as a reader's worst answer, normal with no confidence either way.
                (refusedAssessable, notMeasurable) = (refusedAssessable + 1, notMeasurable + 1);
                Add("central_canal_cnn", g => g.CentralCanal, 0, unsure);
                Add("central_canal_tree", g => g.CentralCanal, 0, unsure);
                foreach (var side in new[] { Side.Left, Side.Right })
                {
                    Add("foramen", g => g.Of(FindingKind.ForaminalStenosis, side), 0, unsure);
                    Add("facet", g => g.Of(FindingKind.FacetArthropathy, side), 0, unsure);
                    foreach (var kind in new[] { RegionKind.Foramen, RegionKind.Facet })
                    {
                        AddIoU(iou, (kind, false), (item.Seed, 0, false));
                        if (item.Truth.ForamenLeftAsSeen is not null)
                        {
                            AddIoU(iou, (kind, true), (item.Seed, 0, false));
                        }
                    }
                }

                progress?.Invoke(++done, cases.Count);
                continue;
            }

            sacErrors.Add(Math.Abs(level.Measurements.DuralSacAreaMm2 - item.Truth.DuralSacAreaMm2));
            Add("central_canal_cnn", g => g.CentralCanal, level.CentralCanalCnn.Grade, [.. level.CentralCanalCnn.Probabilities.Select(p => (double)p)]);
            Add("central_canal_tree", g => g.CentralCanal, level.CentralCanalTree.Grade, level.CentralCanalTree.Probabilities);
            foreach (var region in level.Regions)
            {
                var r = region.Region;
                var kind = r.Kind == RegionKind.Foramen ? FindingKind.ForaminalStenosis : FindingKind.FacetArthropathy;
                Add(r.Kind == RegionKind.Foramen ? "foramen" : "facet", g => g.Of(kind, r.Side), region.Result.Grade, [.. region.Result.Probabilities.Select(p => (double)p)]);
                var located = new Box((int)Math.Round(r.X * toNative), (int)Math.Round(r.Y * toNative), (int)Math.Round(r.Width * toNative), (int)Math.Round(r.Height * toNative));
                var (healthy, asSeen) = (r.Kind, r.Side) switch
                {
                    (RegionKind.Foramen, Side.Left) => (item.Truth.ForamenLeft, item.Truth.ForamenLeftAsSeen),
                    (RegionKind.Foramen, _) => (item.Truth.ForamenRight, item.Truth.ForamenRightAsSeen),
                    (_, Side.Left) => (item.Truth.FacetLeft, item.Truth.FacetLeftAsSeen),
                    _ => (item.Truth.FacetRight, item.Truth.FacetRightAsSeen),
                };
                AddIoU(iou, (r.Kind, false), (item.Seed, Metrics.IoU(located, BoxOf(healthy)), r.FromMasks));
                if (asSeen is not null)
                {
                    AddIoU(iou, (r.Kind, true), (item.Seed, Metrics.IoU(located, BoxOf(asSeen)), r.FromMasks));
                }
            }

            progress?.Invoke(++done, cases.Count);
        }

        var graderTime = models.CentralCanal.Clock.Elapsed + models.Foramen.Clock.Elapsed + models.Facet.Clock.Elapsed;
        var regionsGraded = graded.Count(g => g.Key is "central_canal_cnn" or "foramen" or "facet") - (notMeasurable * 5);
        var tree = graded.Where(g => g.Key == "central_canal_tree").ToList();
        var foramen = graded.Where(g => g.Key == "foramen").ToList();
        var rsna = new RsnaScores(RsnaMetric.LogLoss(tree), RsnaMetric.LogLoss(foramen), RsnaMetric.AnySevereSpinal(tree), null)
        {
            SpinalCanalInterval = Bootstrap.Of(tree, RsnaMetric.LogLoss, bootstrapReplicates),
            NeuralForamenInterval = Bootstrap.Of(foramen, RsnaMetric.LogLoss, bootstrapReplicates),
        };
        var terms = new[] { rsna.SpinalCanal, rsna.NeuralForamen, rsna.AnySevereSpinal }.OfType<double>().ToList();
        return new EvaluationReport
        {
            Dataset = Path.GetFileName(Path.TrimEndingDirectorySeparator(datasetFolder)),
            Studies = cases.Select(c => c.Seed).Distinct().Count(),
            Levels = cases.Count,
            Slices = slices,
            Models = models.All.Select(m => $"{m.Manifest.Name} {m.Manifest.Version}").ToList(),
            DiceMeanPerCase = dice.MeanPerCase,
            DiceIntervals = dice.Intervals(bootstrapReplicates),
            DicePooled = dice.Pooled,
            BootstrapReplicates = bootstrapReplicates,
            Localisation = Localisation(iou, asSeen: false, bootstrapReplicates),
            LocalisationAsSeen = iou.Keys.Any(k => k.AsSeen) ? Localisation(iou, asSeen: true, bootstrapReplicates) : null,
            Findings = [.. new[] { "central_canal_cnn", "central_canal_tree", "foramen", "facet" }.Select(key => FindingScoring.Score(key, graded.Where(g => g.Key == key).ToList(), bootstrapReplicates))],
            Rsna = rsna with { MeanOfTheseTerms = terms.Count == 0 ? null : Math.Round(terms.Average(), 4) },
            Breakdown = Breakdown(graded),
            Assessability = new Assessability(truthRefused, refusedAsTruth, gradedDespite, refusedAssessable),
            DuralSacAreaMeanAbsoluteErrorMm2 = sacErrors.Count == 0 ? null : Math.Round(sacErrors.Average(), 2),
            LevelsNotMeasurable = notMeasurable,
            SegmenterMillisecondsPerSlice = Math.Round(models.Segmenter.Clock.Elapsed.TotalMilliseconds / Math.Max(1, slices), 2),
            GraderMillisecondsPerRegion = Math.Round(graderTime.TotalMilliseconds / Math.Max(1, regionsGraded), 3),
        };
    }

    private static Box BoxOf(RegionTruth region) => new(region.BoxPixels[0], region.BoxPixels[1], region.BoxPixels[2], region.BoxPixels[3]);

    private static void AddIoU(Dictionary<(RegionKind, bool), List<(int, double, bool)>> iou, (RegionKind, bool) key, (int, double, bool) value)
    {
        if (!iou.TryGetValue(key, out var list))
        {
            iou[key] = list = [];
        }

        list.Add(value);
    }

    private static List<LocalisationScores> Localisation(Dictionary<(RegionKind Kind, bool AsSeen), List<(int Study, double IoU, bool FromMasks)>> iou, bool asSeen, int replicates) =>
        [.. iou.Where(pair => pair.Key.AsSeen == asSeen).OrderBy(pair => pair.Key.Kind).Select(pair => new LocalisationScores(
            pair.Key.Kind == RegionKind.Foramen ? "foramen" : "facet",
            pair.Value.Count,
            Math.Round(pair.Value.Average(v => v.IoU), 4),
            Math.Round(Median([.. pair.Value.Select(v => v.IoU)]), 4),
            pair.Value.Count(v => v.FromMasks))
        {
            MeanInterval = Bootstrap.OfMean([.. pair.Value.Select(v => (v.Study, v.IoU))], replicates),
            Reference = asSeen ? "as seen" : "healthy extent",
        })];

    /// <summary>Each finding's figures on the cases of each tag, where the tag has at least 20 of them.</summary>
    private static List<BreakdownRow> Breakdown(IReadOnlyList<GradedFinding> graded) =>
        [.. graded.SelectMany(g => g.Tags.Select(tag => (Tag: tag, Finding: g)))
            .GroupBy(x => (x.Tag, x.Finding.Key))
            .Where(group => group.Count() >= 20)
            .OrderBy(group => group.Key.Tag, StringComparer.Ordinal).ThenBy(group => group.Key.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var findings = group.Select(x => x.Finding).ToList();
                return new BreakdownRow(group.Key.Tag, group.Key.Key, findings.Count, Math.Round(FindingStatistics.Kappa(findings), 4),
                    FindingStatistics.Auroc(findings) is { } auroc ? Math.Round(auroc, 4) : null, Math.Round(FindingStatistics.Exact(findings), 4));
            })];

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
