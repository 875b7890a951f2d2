using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
using Spine.Evaluation;
using Spine.Imaging;
using Spine.Testing;

namespace Spine.Analysis.Tests;

/// <summary>The committed reference models, run by ONNX Runtime through the classes the services use.</summary>
public sealed class ReferenceModelTests : IClassFixture<ReferenceModelTests.Models>
{
    public sealed class Models : IDisposable
    {
        public ModelSet Set { get; } = ModelSet.Load(Path.Combine(RepositoryLayout.Root, "models"));

        public void Dispose() => Set.Dispose();
    }

    private readonly ModelSet _models;

    public ReferenceModelTests(Models models) => _models = models.Set;

    [Fact]
    public void Segmenter_outlines_the_dural_sac_and_disc_of_an_unseen_phantom_slab()
    {
        var (slab, _) = PhantomLevels.All[3];
        var image = Normalization.PercentileScale(slab.Image);
        var slices = Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList();

        var labels = _models.Segmenter.Segment(slices, image.SizeI, image.SizeJ);

        // Phantom 2.0's anatomy changes along the slab, and the end slices cut through bone and disc edge: the slab as a
        // whole is held to the committed evaluation's level (Dice 0.93-0.96 per case), each slice to a looser floor.
        Assert.Equal(image.SizeK, labels.Length);
        var (predicted, reference) = (labels.SelectMany(l => l).ToArray(), slab.Labels.Voxels);
        foreach (var label in new[] { LabelSlice.ThecalSac, LabelSlice.Disc })
        {
            Assert.True(Metrics.Dice(predicted, reference, label) > 0.9, $"label {label}: slab Dice {Metrics.Dice(predicted, reference, label):0.000}");
        }

        for (var k = 0; k < image.SizeK; k++)
        {
            var truth = slab.Labels.Slice(k);
            if (truth.IndexOf(LabelSlice.ThecalSac) >= 0)
            {
                Assert.True(Metrics.Dice(labels[k], truth, LabelSlice.ThecalSac) > 0.8, $"slice {k}: sac Dice {Metrics.Dice(labels[k], truth, LabelSlice.ThecalSac):0.000}");
            }
        }
    }

    [Fact]
    public void Level_analysis_grades_every_finding_with_probabilities_and_class_maps()
    {
        var (slab, truth) = PhantomLevels.All[1];
        var image = Normalization.PercentileScale(slab.Image);
        var labels = _models.Segmenter.Segment(Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList(), image.SizeI, image.SizeJ);

        var level = LevelAnalysis.Analyse(image, labels, _models);

        Assert.InRange(level.Measurements.DuralSacAreaMm2, truth.DuralSacAreaMm2 * 0.9, truth.DuralSacAreaMm2 * 1.1);
        Assert.Equal(4, level.Regions.Count);
        foreach (var result in level.Regions.Select(r => r.Result).Append(level.CentralCanalCnn))
        {
            Assert.Equal(4, result.Probabilities.Length);
            Assert.Equal(1.0, result.Probabilities.Sum(), 3);
            Assert.Equal(4, result.ClassActivationMaps.Length);
            Assert.Equal(16 * 16, result.ClassActivationMaps[result.Grade].Length);
            Assert.Equal(16, result.MapWidth);
        }

        Assert.Equal(1.0, level.CentralCanalTree.Probabilities.Sum(), 6);
        Assert.NotEmpty(level.CentralCanalTree.Path);
        Assert.Contains(level.Regions, r => r.Region.Kind == RegionKind.Foramen && r.Region.Side == Side.Right);
    }

    [Fact]
    public void Foramen_and_facet_heat_maps_peak_near_the_region_graded_not_at_the_crop_border()
    {
        var peaks = new List<double>();
        foreach (var (slab, _) in PhantomLevels.All.Take(5))
        {
            var image = Normalization.PercentileScale(slab.Image);
            var labels = _models.Segmenter.Segment(Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList(), image.SizeI, image.SizeJ);
            var level = LevelAnalysis.Analyse(image, labels, _models);
            foreach (var region in level.Regions)
            {
                var map = region.Result.ClassActivationMaps[region.Result.Grade];
                var peak = Array.IndexOf(map, map.Max());
                var (x, y) = (peak % region.Result.MapWidth, peak / region.Result.MapWidth);

                // Distance of the peak cell from the map's centre, as a fraction of the half-width: about 0.66 on average for
                // peaks placed at random, about 0.3 for the reference graders.
                var half = region.Result.MapWidth / 2.0;
                peaks.Add(Math.Max(Math.Abs(x + 0.5 - half), Math.Abs(y + 0.5 - half)) / half);
            }
        }

        Assert.True(peaks.Average() < 0.45, $"mean peak offset {peaks.Average():0.00} of the half-width: {string.Join(", ", peaks.Select(p => p.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Level_report_holds_four_measurements_and_five_findings_with_boxes_on_the_mid_slice()
    {
        var (slab, truth) = PhantomLevels.All[2];
        var image = Normalization.PercentileScale(slab.Image);
        var labels = _models.Segmenter.Segment(Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList(), image.SizeI, image.SizeJ);
        var analysis = LevelAnalysis.Analyse(image, labels, _models);

        var report = LevelFindings.ToReport(analysis, truth.Level, levelUncertain: false, new SliceSlab { FirstSlice = 10, SliceCount = image.SizeK }, _models);

        Assert.Equal(["dural sac area", "disc area", "dural sac / disc area ratio", "dural sac AP diameter"], report.Measurements.Select(m => m.Name));
        Assert.Equal(5, report.Findings.Count);
        var canal = report.Findings.Single(f => f.Kind == FindingKind.CentralCanalStenosis);
        Assert.Equal("central-canal-decision-tree", canal.Model.Name);
        Assert.Equal(truth.Grades.CentralCanal, canal.Grade);
        Assert.Null(canal.Region);
        var left = report.Findings.Single(f => f.Kind == FindingKind.ForaminalStenosis && f.Side == Side.Left);
        Assert.Equal(truth.Grades.ForaminalLeft, left.Grade);
        Assert.Equal(10 + analysis.MidSlice, left.Region!.Slice);
        Assert.Equal(_models.Foramen.Model.Manifest.Sha256, left.Model.Sha256);
        Assert.All(report.Findings, f => Assert.Equal(1.0, f.GradeProbabilities.Sum(), 3));
    }

    [Fact]
    public void Grader_refuses_a_crop_of_the_wrong_size()
    {
        var ex = Assert.Throws<ArgumentException>(() => _models.Foramen.Grade([new float[10]]));
        Assert.Contains("64x64", ex.Message, StringComparison.Ordinal);
    }
}
