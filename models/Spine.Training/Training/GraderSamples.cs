using Spine.Analysis.Anatomy;
using Spine.Contracts.V1;
using Spine.Evaluation;
using Spine.Imaging;
using Spine.Phantom;

namespace Spine.Training;

/// <summary>
/// One region to learn from: a crop one and a half times the model's, sampled in the level frame around the region
/// the rules located on the true masks, so that rotation and shift augmentation can be cut from it without reading
/// the slice again.
/// </summary>
internal sealed record GraderSample(float[] Padded, int Grade, int Seed, bool MidSlice);

/// <summary>The regions of one kind in a dataset, with their true grades.</summary>
internal sealed class GraderSampleSet
{
    public const double Padding = 1.5;

    private GraderSampleSet(CropSpec spec, List<GraderSample> samples, int located, int placed)
    {
        (Spec, Samples, LocatedFromMasks, PlacedByPrior) = (spec, samples, located, placed);
    }

    public CropSpec Spec { get; }

    public IReadOnlyList<GraderSample> Samples { get; }

    public int PaddedPixels => PaddedSize(Spec);

    public int LocatedFromMasks { get; }

    public int PlacedByPrior { get; }

    public static int PaddedSize(CropSpec spec) => (int)Math.Round(spec.Pixels * Padding / 2) * 2;

    /// <summary>Every slice of every case; the truth's mid slice is marked, validation grades that one only, as inference does.</summary>
    public static GraderSampleSet Load(string datasetFolder, RegionKind kind, int? limitCases = null)
    {
        ArgumentNullException.ThrowIfNull(datasetFolder);
        var spec = CropSpec.For(kind);
        var paddedSize = PaddedSize(spec);
        var padded = spec with { Pixels = paddedSize, SizeMm = spec.SpacingMm * paddedSize };
        var samples = new List<GraderSample>();
        var (located, placed) = (0, 0);
        // A level no reader could grade (a metal artefact over it) teaches nothing.
        foreach (var item in CanalTreeTrainer.ReadCases(datasetFolder).Where(c => c.Truth.Assessable).Take(limitCases ?? int.MaxValue))
        {
            var (image, labels, _) = DatasetSlabs.Read(datasetFolder, item.Case, SliceSet.SpacingMm);
            var g = image.Geometry;
            for (var k = 0; k < image.SizeK; k++)
            {
                // Phantom 2.x changes along the slab, and its readers grade the slice through the disc: only that one
                // carries the level's grade. (1.x draws the same anatomy on every slice of a slab, so all teach.)
                if (item.Truth.Readers is not null && k != item.Truth.MidSlice)
                {
                    continue;
                }

                var slice = LabelSlice.Of(labels, k, v => (byte)v);
                AnatomicalFrame frame;
                try
                {
                    frame = AnatomicalFrame.Of(slice);
                }
                catch (AnatomyNotFoundException)
                {
                    continue;
                }

                var mid = k == item.Truth.MidSlice;
                float[] Crop(Side side, double x, double y) => RegionCrop.Sample(image.Slice(k), image.SizeI, image.SizeJ, g.SpacingI, g.SpacingJ, frame, side, x, y, padded);
                if (kind == RegionKind.CentralCanal)
                {
                    samples.Add(new GraderSample(Crop(Side.Left, frame.CentreX, frame.CentreY), item.Truth.Grades.CentralCanal, item.Seed, mid));
                    continue;
                }

                foreach (var region in RegionLocator.Locate(slice, frame).Where(r => r.Kind == kind))
                {
                    (located, placed) = region.FromMasks ? (located + 1, placed) : (located, placed + 1);
                    var grade = (kind, region.Side) switch
                    {
                        (RegionKind.Foramen, Side.Left) => item.Truth.Grades.ForaminalLeft,
                        (RegionKind.Foramen, _) => item.Truth.Grades.ForaminalRight,
                        (_, Side.Left) => item.Truth.Grades.FacetLeft,
                        _ => item.Truth.Grades.FacetRight,
                    };
                    samples.Add(new GraderSample(Crop(region.Side, region.CentreXMm, region.CentreYMm), grade, item.Seed, mid));
                }
            }
        }

        return samples.Count > 0
            ? new GraderSampleSet(spec, samples, located, placed)
            : throw new InvalidDataException($"{datasetFolder}: no {kind} regions found (is it a dataset with grades.json and label maps?).");
    }

    /// <summary>Splits by study, the last <paramref name="fraction"/> of the seeds for validation.</summary>
    public (IReadOnlyList<GraderSample> Training, IReadOnlyList<GraderSample> Validation) Split(double fraction)
    {
        var seeds = Samples.Select(s => s.Seed).Distinct().Order().ToList();
        var firstValidation = seeds[Math.Clamp((int)Math.Round(seeds.Count * (1 - fraction)), 1, seeds.Count - 1)];
        return (Samples.Where(s => s.Seed < firstValidation).ToList(), Samples.Where(s => s.Seed >= firstValidation && s.MidSlice).ToList());
    }

    /// <summary>
    /// Cuts the model's crop out of a padded one, rotated by <paramref name="rotation"/> radians and shifted by
    /// (<paramref name="shiftX"/>, <paramref name="shiftY"/>) pixels, mirrored if asked (bilinear).
    /// </summary>
    public static void Cut(float[] padded, int paddedSize, Span<float> crop, int size, double rotation, double shiftX, double shiftY, bool mirror)
    {
        var (cos, sin) = (Math.Cos(rotation), Math.Sin(rotation));
        var centre = (paddedSize / 2.0) - 0.5;
        for (var r = 0; r < size; r++)
        {
            var b = r + 0.5 - (size / 2.0);
            for (var c = 0; c < size; c++)
            {
                var a = (mirror ? size - 1 - c : c) + 0.5 - (size / 2.0);
                var x = centre + (a * cos) - (b * sin) + shiftX;
                var y = centre + (a * sin) + (b * cos) + shiftY;
                var (x0, y0) = ((int)Math.Floor(x), (int)Math.Floor(y));
                var (fx, fy) = ((float)(x - x0), (float)(y - y0));
                var top = (At(padded, paddedSize, x0, y0) * (1 - fx)) + (At(padded, paddedSize, x0 + 1, y0) * fx);
                var bottom = (At(padded, paddedSize, x0, y0 + 1) * (1 - fx)) + (At(padded, paddedSize, x0 + 1, y0 + 1) * fx);
                crop[(r * size) + c] = (top * (1 - fy)) + (bottom * fy);
            }
        }
    }

    private static float At(float[] image, int size, int x, int y) => (uint)x < (uint)size && (uint)y < (uint)size ? image[(y * size) + x] : 0f;
}
