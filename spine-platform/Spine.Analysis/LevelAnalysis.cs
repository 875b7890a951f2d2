using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
using Spine.Imaging;

namespace Spine.Analysis;

/// <summary>A located region and its grader's answer.</summary>
public sealed record RegionGrade(LocatedRegion Region, GraderResult Result);

/// <summary>The decision tree's grade probabilities and the path of rules that gave them.</summary>
public sealed record TreeGrade(IReadOnlyList<double> Probabilities, IReadOnlyList<string> Path)
{
    public int Grade => Probabilities.ToList().IndexOf(Probabilities.Max());

    public double ModerateOrWorse => Probabilities[2] + Probabilities[3];
}

/// <summary>
/// Everything measured and graded on one disc level: the slice through the disc's mid-plane, the level frame,
/// measurements, the central canal by CNN and by decision tree, and each foramen and facet located and graded.
/// </summary>
public sealed record LevelAnalysis(int MidSlice, AnatomicalFrame Frame, LevelMeasurements Measurements, GraderResult CentralCanalCnn, TreeGrade CentralCanalTree, IReadOnlyList<RegionGrade> Regions)
{
    public RegionGrade Region(RegionKind kind, Side side) => Regions.Single(r => r.Region.Kind == kind && r.Region.Side == side);

    /// <summary>
    /// Analyses a segmented slab. <paramref name="image"/> is normalised as the models expect; <paramref name="labels"/>
    /// holds one label slice per image slice. Throws <see cref="AnatomyNotFoundException"/> when the mid slice holds no
    /// dural sac.
    /// </summary>
    public static LevelAnalysis Analyse(Volume<float> image, IReadOnlyList<byte[]> labels, ModelSet models)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        return Analyse(image, new Volume<byte>(image.SizeI, image.SizeJ, image.SizeK, image.Geometry, labels.SelectMany(l => l).ToArray()), models);
    }

    /// <summary>As above, with the label map as a volume on the image's grid.</summary>
    public static LevelAnalysis Analyse(Volume<float> image, Volume<byte> labelVolume, ModelSet models)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labelVolume);
        ArgumentNullException.ThrowIfNull(models);
        if ((labelVolume.SizeI, labelVolume.SizeJ, labelVolume.SizeK) != (image.SizeI, image.SizeJ, image.SizeK))
        {
            throw new ArgumentException($"label map {labelVolume.SizeI}x{labelVolume.SizeJ}x{labelVolume.SizeK} is not on the image's {image.SizeI}x{image.SizeJ}x{image.SizeK} grid.", nameof(labelVolume));
        }

        var g = image.Geometry;
        var mid = LabelSlice.MidDiscSlice(labelVolume, v => v);
        var slice = LabelSlice.Of(labelVolume, mid, v => v);
        var frame = AnatomicalFrame.Of(slice);
        var measurements = LevelMeasurements.Of(slice, frame);
        var pixels = image.Slice(mid).ToArray();

        float[] Crop(GraderSession grader, RegionKind kind, Side side, double x, double y)
        {
            var spec = new CropSpec(kind, grader.Crop.SizeMm, grader.Crop.Pixels);
            return RegionCrop.Sample(pixels, image.SizeI, image.SizeJ, g.SpacingI, g.SpacingJ, frame, side, x, y, spec);
        }

        var canal = models.CentralCanal.Grade([Crop(models.CentralCanal, RegionKind.CentralCanal, Side.Left, frame.CentreX, frame.CentreY)])[0];
        var (treeProbabilities, path) = models.CanalTree.Predict(measurements.Features(models.CanalTree.FeatureNames));
        var located = RegionLocator.Locate(slice, frame);
        var regions = new List<RegionGrade>();
        foreach (var (kind, grader) in new[] { (RegionKind.Foramen, models.Foramen), (RegionKind.Facet, models.Facet) })
        {
            var ofKind = located.Where(r => r.Kind == kind).ToList();
            var results = grader.Grade(ofKind.Select(r => Crop(grader, kind, r.Side, r.CentreXMm, r.CentreYMm)).ToList());
            regions.AddRange(ofKind.Zip(results, (r, result) => new RegionGrade(r, result)));
        }

        return new LevelAnalysis(mid, frame, measurements, canal, new TreeGrade(treeProbabilities, path), regions);
    }
}
