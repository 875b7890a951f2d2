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
/// mid slice, measurements and region boxes) exactly as the pipeline does: ONNX Runtime segmentation, the mid slice
/// chosen from the predicted masks, measurements, the geometric rules, crops, graders and the decision tree. The
/// reference is used only to score.
/// </summary>
public static class DatasetEvaluation
{
    public static EvaluationReport Run(string datasetFolder, ModelSet models, Action<int, int>? progress = null)
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
        var labelNames = models.Segmenter.Model.Manifest.Output!.Labels.Where(l => l.Value > 0).ToList();
        var pooled = labelNames.ToDictionary(l => l.Value, _ => new DiceCounts());
        var perCase = labelNames.ToDictionary(l => l.Value, _ => new List<double>());
        var findings = new Dictionary<string, FindingTally>
        {
            ["central_canal_cnn"] = new(), ["central_canal_tree"] = new(), ["foramen"] = new(), ["facet"] = new(),
        };
        var iou = new Dictionary<RegionKind, List<(double IoU, bool FromMasks)>> { [RegionKind.Foramen] = [], [RegionKind.Facet] = [] };
        var sacErrors = new List<double>();
        var (slices, notMeasurable, done) = (0, 0, 0);
        foreach (var item in cases)
        {
            var image = Normalization.PercentileScale(Nifti.Read(Path.Combine(datasetFolder, "imagesTr", item.Case + "_0000.nii.gz")));
            var truth = Nifti.Read(Path.Combine(datasetFolder, "labelsTr", item.Case + ".nii.gz"));
            var inputs = Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList();
            var predicted = models.Segmenter.Segment(inputs, image.SizeI, image.SizeJ);
            slices += image.SizeK;
            var caseCounts = labelNames.ToDictionary(l => l.Value, _ => new DiceCounts());
            for (var k = 0; k < image.SizeK; k++)
            {
                var reference = truth.Slice(k);
                for (var p = 0; p < reference.Length; p++)
                {
                    var (actual, guess) = ((int)reference[p], (int)predicted[k][p]);
                    foreach (var label in caseCounts.Keys)
                    {
                        caseCounts[label].Add(guess == label, actual == label);
                        pooled[label].Add(guess == label, actual == label);
                    }
                }
            }

            foreach (var (label, counts) in caseCounts)
            {
                perCase[label].Add(counts.Dice);
            }

            var grades = item.Truth.Grades;
            try
            {
                var level = LevelAnalysis.Analyse(image, predicted, models);
                sacErrors.Add(Math.Abs(level.Measurements.DuralSacAreaMm2 - item.Truth.DuralSacAreaMm2));
                findings["central_canal_cnn"].Add(grades.CentralCanal, level.CentralCanalCnn.Grade, level.CentralCanalCnn.ModerateOrWorse);
                findings["central_canal_tree"].Add(grades.CentralCanal, level.CentralCanalTree.Grade, level.CentralCanalTree.ModerateOrWorse);
                foreach (var region in level.Regions)
                {
                    var (reference, grade) = (region.Region.Kind, region.Region.Side) switch
                    {
                        (RegionKind.Foramen, Side.Left) => (item.Truth.ForamenLeft, grades.ForaminalLeft),
                        (RegionKind.Foramen, _) => (item.Truth.ForamenRight, grades.ForaminalRight),
                        (_, Side.Left) => (item.Truth.FacetLeft, grades.FacetLeft),
                        _ => (item.Truth.FacetRight, grades.FacetRight),
                    };
                    var box = new Box(reference.BoxPixels[0], reference.BoxPixels[1], reference.BoxPixels[2], reference.BoxPixels[3]);
                    var r = region.Region;
                    iou[r.Kind].Add((Metrics.IoU(new Box(r.X, r.Y, r.Width, r.Height), box), r.FromMasks));
                    findings[r.Kind == RegionKind.Foramen ? "foramen" : "facet"].Add(grade, region.Result.Grade, region.Result.ModerateOrWorse);
                }
            }
            catch (AnatomyNotFoundException)
            {
                // Counted and scored as the worst answer a reader could give: normal, with no confidence either way.
                notMeasurable++;
                findings["central_canal_cnn"].Add(grades.CentralCanal, 0, 0.5);
                findings["central_canal_tree"].Add(grades.CentralCanal, 0, 0.5);
                foreach (var g in new[] { grades.ForaminalLeft, grades.ForaminalRight })
                {
                    findings["foramen"].Add(g, 0, 0.5);
                    iou[RegionKind.Foramen].Add((0, false));
                }

                foreach (var g in new[] { grades.FacetLeft, grades.FacetRight })
                {
                    findings["facet"].Add(g, 0, 0.5);
                    iou[RegionKind.Facet].Add((0, false));
                }
            }

            progress?.Invoke(++done, cases.Count);
        }

        var names = labelNames.ToDictionary(l => l.Value, l => l.Key);
        var graderRuns = models.CentralCanal.Clock.Runs + models.Foramen.Clock.Runs + models.Facet.Clock.Runs;
        var graderTime = models.CentralCanal.Clock.Elapsed + models.Foramen.Clock.Elapsed + models.Facet.Clock.Elapsed;
        var regionsGraded = findings["central_canal_cnn"].Count + findings["foramen"].Count + findings["facet"].Count - (notMeasurable * 5);
        return new EvaluationReport
        {
            Dataset = Path.GetFileName(Path.TrimEndingDirectorySeparator(datasetFolder)),
            Studies = cases.Select(c => c.Seed).Distinct().Count(),
            Levels = cases.Count,
            Slices = slices,
            Models = models.All.Select(m => $"{m.Manifest.Name} {m.Manifest.Version}").ToList(),
            DiceMeanPerCase = perCase.ToDictionary(p => names[p.Key], p => Math.Round(p.Value.Average(), 4)),
            DicePooled = pooled.ToDictionary(p => names[p.Key], p => Math.Round(p.Value.Dice, 4)),
            Localisation = iou.Select(pair => new LocalisationScores(
                pair.Key == RegionKind.Foramen ? "foramen" : "facet",
                pair.Value.Count,
                Math.Round(pair.Value.Average(v => v.IoU), 4),
                Math.Round(Median(pair.Value.Select(v => v.IoU).ToList()), 4),
                pair.Value.Count(v => v.FromMasks))).ToList(),
            Findings = findings.Select(pair => pair.Value.Score(pair.Key)).ToList(),
            DuralSacAreaMeanAbsoluteErrorMm2 = sacErrors.Count == 0 ? null : Math.Round(sacErrors.Average(), 2),
            LevelsNotMeasurable = notMeasurable,
            SegmenterMillisecondsPerSlice = Math.Round(models.Segmenter.Clock.Elapsed.TotalMilliseconds / Math.Max(1, slices), 2),
            GraderMillisecondsPerRegion = Math.Round(graderTime.TotalMilliseconds / Math.Max(1, regionsGraded), 3),
        };
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private sealed class DiceCounts
    {
        private long _both, _predicted, _truth;

        public void Add(bool predicted, bool truth)
        {
            _both += predicted && truth ? 1 : 0;
            _predicted += predicted ? 1 : 0;
            _truth += truth ? 1 : 0;
        }

        /// <summary>1 when the structure is absent from both (nothing to miss, nothing invented).</summary>
        public double Dice => _predicted + _truth == 0 ? 1 : 2.0 * _both / (_predicted + _truth);
    }

    private sealed class FindingTally
    {
        private readonly List<int> _truth = [];
        private readonly List<int> _predicted = [];
        private readonly List<double> _moderateOrWorse = [];

        public int Count => _truth.Count;

        public void Add(int truth, int predicted, double moderateOrWorse)
        {
            _truth.Add(truth);
            _predicted.Add(predicted);
            _moderateOrWorse.Add(moderateOrWorse);
        }

        public FindingScores Score(string key)
        {
            var (exact, withinOne) = Metrics.Agreement(_truth, _predicted);
            var matrix = Metrics.ConfusionMatrix(_truth, _predicted);
            var (finding, model) = key switch
            {
                "central_canal_cnn" => ("central canal stenosis", "CNN"),
                "central_canal_tree" => ("central canal stenosis", "decision tree"),
                "foramen" => ("neural foraminal stenosis (left and right)", "CNN"),
                _ => ("facet arthropathy (left and right)", "CNN"),
            };
            return new FindingScores(
                key,
                finding,
                model,
                _truth.Count,
                Math.Round(Metrics.LinearWeightedKappa(_truth, _predicted), 4),
                Metrics.Auroc(_truth.Select(g => g >= 2).ToList(), _moderateOrWorse) is { } auroc ? Math.Round(auroc, 4) : null,
                Math.Round(exact, 4),
                Math.Round(withinOne, 4),
                Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 4).Select(j => matrix[i, j]).ToArray()).ToArray());
        }
    }
}
