using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Analysis.Anatomy;

/// <summary>
/// One disc level found along a contiguous stack: slices <see cref="FirstSlice"/> to <see cref="FirstSlice"/> +
/// <see cref="SliceCount"/> - 1 around its disc, the disc's centre in the patient (LPS) and its name (see
/// <see cref="LevelAssignment"/>).
/// </summary>
public sealed record StackLevel(int FirstSlice, int SliceCount, Vector3D DiscCentre, SpinalLevel? Level, bool LevelUncertain);

/// <summary>
/// Finds the disc levels along a contiguous axial stack from its label map: the discs are runs of slices whose disc
/// label covers at least <see cref="MinimumDiscAreaMm2"/> (a quarter of the largest disc cross-section, whichever is
/// more); runs closer than <see cref="MinimumDiscSpacingMm"/> are one disc cut by several slices; each level takes the
/// slices within <see cref="HalfWidthMm"/> of its disc's centre, as a disc-angled block would hold, never a slice of
/// its neighbour's; the levels are then named from the bottom up.
/// </summary>
public static class StackLevels
{
    public const double MinimumDiscAreaMm2 = 150;

    /// <summary>Lumbar discs lie 30 to 45 mm apart; two runs nearer than this are one disc.</summary>
    public const double MinimumDiscSpacingMm = 20;

    public const double HalfWidthMm = 9;

    public static IReadOnlyList<StackLevel> Find(Volume<byte> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var g = labels.Geometry;
        var pixelArea = g.SpacingI * g.SpacingJ;
        var (area, sumI, sumJ) = (new double[labels.SizeK], new double[labels.SizeK], new double[labels.SizeK]);
        for (var k = 0; k < labels.SizeK; k++)
        {
            var slice = labels.Slice(k);
            for (var p = 0; p < slice.Length; p++)
            {
                if (slice[p] == LabelSlice.Disc)
                {
                    area[k] += pixelArea;
                    sumI[k] += p % labels.SizeI;
                    sumJ[k] += p / labels.SizeI;
                }
            }
        }

        var threshold = Math.Max(MinimumDiscAreaMm2, 0.25 * area.DefaultIfEmpty(0).Max());
        var discs = new List<(int First, int Last)>();
        for (var k = 0; k < labels.SizeK; k++)
        {
            if (area[k] < threshold)
            {
                continue;
            }

            if (discs.Count > 0 && (k - discs[^1].Last) * g.SpacingK < MinimumDiscSpacingMm)
            {
                discs[^1] = (discs[^1].First, k);
            }
            else
            {
                discs.Add((k, k));
            }
        }

        var centres = discs.Select(d =>
        {
            var run = Enumerable.Range(d.First, d.Last - d.First + 1).Where(k => area[k] >= threshold).ToList();
            var weight = run.Sum(k => area[k]);
            var (k, pixels) = (run.Sum(k => k * area[k]) / weight, run.Sum(k => area[k] / pixelArea));
            return (Slice: k, World: g.WorldOf(run.Sum(k => sumI[k]) / pixels, run.Sum(k => sumJ[k]) / pixels, k));
        }).ToList();
        var names = LevelAssignment.Assign([.. centres.Select(c => c.World)]);
        var halfWidth = Math.Max(1, HalfWidthMm / g.SpacingK);
        return centres.Select((c, n) =>
        {
            // Up to the half-way slice to each neighbour, so that no slice belongs to two levels.
            var low = n > 0 ? Math.Max(c.Slice - halfWidth, (c.Slice + centres[n - 1].Slice) / 2) : c.Slice - halfWidth;
            var high = n < centres.Count - 1 ? Math.Min(c.Slice + halfWidth, (c.Slice + centres[n + 1].Slice) / 2) : c.Slice + halfWidth;
            var first = Math.Max(0, (int)Math.Floor(low) + 1);
            var last = Math.Min(labels.SizeK - 1, (int)Math.Ceiling(high) - 1);
            first = Math.Min(first, (int)Math.Round(c.Slice));
            last = Math.Max(last, (int)Math.Round(c.Slice));
            return new StackLevel(first, last - first + 1, c.World, names[n].Level, names[n].Uncertain);
        }).ToList();
    }
}
