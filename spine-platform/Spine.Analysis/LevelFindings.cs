using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;

namespace Spine.Analysis;

/// <summary>
/// Turns a level's analysis into the report's <see cref="LevelReport"/>: four measurements and five findings. The
/// central canal is graded by the decision tree, the paper's interpretable grader (kappa 0.80 against the CNN's 0.54
/// on clinical data); the CNN's answer for the canal stays available to the explanation stage for its heat map.
/// Region boxes are in voxels of the slab: the mid slice's index within the slab plus <paramref name="slices"/>' first slice.
/// </summary>
public static class LevelFindings
{
    public static LevelReport ToReport(LevelAnalysis analysis, SpinalLevel level, bool levelUncertain, SliceSlab slices, ModelSet models)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(models);
        var m = analysis.Measurements;
        var sliceIndex = slices.FirstSlice + analysis.MidSlice;
        RegionBox Box(LocatedRegion r) => new() { Slice = sliceIndex, X = r.X, Y = r.Y, Width = r.Width, Height = r.Height };

        var tree = analysis.CentralCanalTree;
        var findings = new List<Finding>
        {
            new()
            {
                Kind = FindingKind.CentralCanalStenosis,
                Side = Side.None,
                Grade = tree.Grade,
                GradeProbabilities = tree.Probabilities,
                SignificantProbability = Math.Round(tree.ModerateOrWorse, 4),
                Measurements =
                [
                    new Measurement { Name = "dural sac area", Value = m.DuralSacAreaMm2, Unit = "mm2" },
                    new Measurement { Name = "dural sac / disc area ratio", Value = m.DuralSacToDiscAreaRatio, Unit = "1" },
                ],
                Model = Info(models.CanalTreeModel),
            },
        };
        foreach (var (kind, side, grader) in new[]
        {
            (RegionKind.Foramen, Side.Left, models.Foramen), (RegionKind.Foramen, Side.Right, models.Foramen),
            (RegionKind.Facet, Side.Left, models.Facet), (RegionKind.Facet, Side.Right, models.Facet),
        })
        {
            var graded = analysis.Region(kind, side);
            findings.Add(new Finding
            {
                Kind = kind == RegionKind.Foramen ? FindingKind.ForaminalStenosis : FindingKind.FacetArthropathy,
                Side = side,
                Grade = graded.Result.Grade,
                GradeProbabilities = graded.Result.Probabilities.Select(p => Math.Round((double)p, 4)).ToList(),
                SignificantProbability = Math.Round(graded.Result.ModerateOrWorse, 4),
                Measurements = RegionMeasurements(graded.Region),
                Region = Box(graded.Region),
                Model = Info(grader.Model),
            });
        }

        return new LevelReport
        {
            Level = level,
            LevelUncertain = levelUncertain,
            Slices = slices,
            Measurements =
            [
                new Measurement { Name = "dural sac area", Value = m.DuralSacAreaMm2, Unit = "mm2" },
                new Measurement { Name = "disc area", Value = m.DiscAreaMm2, Unit = "mm2" },
                new Measurement { Name = "dural sac / disc area ratio", Value = m.DuralSacToDiscAreaRatio, Unit = "1" },
                new Measurement { Name = "dural sac AP diameter", Value = m.DuralSacApDiameterMm, Unit = "mm" },
            ],
            Findings = findings,
            ReadOn = slices.Instances is { } instances && analysis.MidSlice < instances.Count
                ? new SourceImage { Instance = instances[analysis.MidSlice], Slice = sliceIndex }
                : null,
        };
    }

    /// <summary>A level that is reported but not graded: no measurements, no findings, the reason.</summary>
    public static LevelReport NotAssessable(SpinalLevel level, bool levelUncertain, SliceSlab slices, string reason) => new()
    {
        Level = level,
        LevelUncertain = levelUncertain,
        Slices = slices,
        Measurements = [],
        Findings = [],
        NotAssessableReason = reason,
    };

    /// <summary>
    /// What the masks say about a located region: the area of the component it was drawn around (free canal-and-foramina
    /// space for a foramen, posterior element for a facet) and the size of the box graded; a region placed by the
    /// prior has no area to report.
    /// </summary>
    private static List<Measurement> RegionMeasurements(LocatedRegion region)
    {
        var what = region.Kind == RegionKind.Foramen ? "foramen" : "facet";
        var measurements = new List<Measurement>(3);
        if (region.AreaMm2 is { } area)
        {
            measurements.Add(new Measurement { Name = region.Kind == RegionKind.Foramen ? "foramen area (canal and foramina mask)" : "facet area (posterior element mask)", Value = area, Unit = "mm2" });
        }

        measurements.Add(new Measurement { Name = $"{what} region width", Value = region.SizeMm.Width, Unit = "mm" });
        measurements.Add(new Measurement { Name = $"{what} region height", Value = region.SizeMm.Height, Unit = "mm" });
        return measurements;
    }

    public static ModelInfo Info(ModelFolder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelInfo { Name = model.Manifest.Name, Version = model.Manifest.Version, Sha256 = model.Manifest.Sha256, TrainingData = model.Manifest.TrainingData };
    }
}
