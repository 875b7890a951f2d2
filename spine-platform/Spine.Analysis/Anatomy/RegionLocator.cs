using Spine.Contracts.V1;

namespace Spine.Analysis.Anatomy;

public enum RegionKind
{
    CentralCanal,
    Foramen,
    Facet,
}

/// <summary>
/// A located region on a slice: its box in pixels (column, row, width, height), its centre in slice millimetres, and
/// whether the rule found it in the masks (<see cref="FromMasks"/>) or had to place it from anatomical priors.
/// </summary>
/// <param name="AreaMm2">Area of the mask component the region was drawn around; null when placed by the prior.</param>
public sealed record LocatedRegion(RegionKind Kind, Side Side, int X, int Y, int Width, int Height, double CentreXMm, double CentreYMm, bool FromMasks, string Rule, double? AreaMm2 = null)
{
    /// <summary>Extent of the box along the slice's rows and columns, in mm (set by the locator).</summary>
    public (double Width, double Height) SizeMm { get; init; }
}

/// <summary>
/// The geometric rules that place the neural foramina and the facet joints from the segmentation, as the seed paper
/// does, in the level's <see cref="AnatomicalFrame"/>:
/// foramen: the canal-and-foramina label lying beyond the lateral recess, more than 6 mm lateral to the dural sac's
/// edge and at most 30 mm; facet joint: the posterior element more than 1 mm lateral to the sac's edge, within 30 mm of
/// its centre. Each takes the largest 8-connected component on its side; with none, the region is placed where the
/// anatomy puts it (foramen 12 mm beyond the sac's edge at the disc's posterior margin, facet 8.5 mm beyond the edge
/// and 3 mm behind the sac's centre) and flagged.
/// </summary>
public static class RegionLocator
{
    public const double ForamenMinBeyondSacMm = 6;
    public const double FacetMinBeyondSacMm = 1;
    public const double SearchLimitMm = 30;

    public static IReadOnlyList<LocatedRegion> Locate(LabelSlice slice, AnatomicalFrame frame)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var regions = new List<LocatedRegion>(4);
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var halfWidth = SacHalfWidth(slice, frame, side);
            regions.Add(Find(slice, frame, side, RegionKind.Foramen, LabelSlice.CanalAndForamina, halfWidth + ForamenMinBeyondSacMm, halfWidth + SearchLimitMm));
            regions.Add(Find(slice, frame, side, RegionKind.Facet, LabelSlice.PosteriorElement, halfWidth + FacetMinBeyondSacMm, SearchLimitMm + halfWidth));
        }

        return regions;
    }

    private static double Sign(Side side) => side == Side.Left ? 1 : -1;

    /// <summary>How far the sac reaches towards <paramref name="side"/> from its centre, in mm.</summary>
    private static double SacHalfWidth(LabelSlice slice, AnatomicalFrame frame, Side side)
    {
        var reach = 0.0;
        for (var y = 0; y < slice.Height; y++)
        {
            for (var x = 0; x < slice.Width; x++)
            {
                if (slice[x, y] == LabelSlice.ThecalSac)
                {
                    reach = Math.Max(reach, Sign(side) * frame.ToFrame(x * slice.SpacingX, y * slice.SpacingY).U);
                }
            }
        }

        return reach;
    }

    private static LocatedRegion Find(LabelSlice slice, AnatomicalFrame frame, Side side, RegionKind kind, byte label, double minLateral, double maxLateral)
    {
        var candidate = new bool[slice.Labels.Length];
        for (var y = 0; y < slice.Height; y++)
        {
            for (var x = 0; x < slice.Width; x++)
            {
                if (slice[x, y] != label)
                {
                    continue;
                }

                var (u, v) = frame.ToFrame(x * slice.SpacingX, y * slice.SpacingY);
                var lateral = Sign(side) * u;
                candidate[(y * slice.Width) + x] = lateral > minLateral && lateral <= maxLateral && Math.Abs(v) <= SearchLimitMm;
            }
        }

        var rule = kind == RegionKind.Foramen
            ? $"largest connected canal-and-foramina component {ForamenMinBeyondSacMm} to {SearchLimitMm} mm lateral to the dural sac"
            : $"largest connected posterior-element component beyond {FacetMinBeyondSacMm} mm lateral to the dural sac";
        if (LargestComponent(candidate, slice.Width, slice.Height) is { } box)
        {
            var (x0, y0, x1, y1, pixels) = box;
            return new LocatedRegion(kind, side, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (x0 + x1) / 2.0 * slice.SpacingX, (y0 + y1) / 2.0 * slice.SpacingY, true, rule,
                Math.Round(pixels * slice.SpacingX * slice.SpacingY, 2))
            {
                SizeMm = (Math.Round((x1 - x0 + 1) * slice.SpacingX, 2), Math.Round((y1 - y0 + 1) * slice.SpacingY, 2)),
            };
        }

        return Prior(slice, frame, side, kind, minLateral);
    }

    private static LocatedRegion Prior(LabelSlice slice, AnatomicalFrame frame, Side side, RegionKind kind, double minLateral)
    {
        var sign = Sign(side);
        var (u, v, halfU, halfV) = kind == RegionKind.Foramen
            ? (sign * (minLateral - ForamenMinBeyondSacMm + 12), DiscPosteriorMargin(slice, frame) ?? -7.5, 4.6, 6.2)
            : (sign * (minLateral - FacetMinBeyondSacMm + 8.5), 3.0, 8.0, 9.0);
        var (cx, cy) = frame.ToSlice(u, v);
        var corners = new[] { (-1, -1), (1, -1), (-1, 1), (1, 1) }.Select(c => frame.ToSlice(u + (c.Item1 * halfU), v + (c.Item2 * halfV))).ToList();
        var x0 = (int)Math.Floor(corners.Min(c => c.X) / slice.SpacingX);
        var y0 = (int)Math.Floor(corners.Min(c => c.Y) / slice.SpacingY);
        var x1 = (int)Math.Ceiling(corners.Max(c => c.X) / slice.SpacingX);
        var y1 = (int)Math.Ceiling(corners.Max(c => c.Y) / slice.SpacingY);
        return new LocatedRegion(kind, side, x0, y0, x1 - x0 + 1, y1 - y0 + 1, cx, cy, false,
            $"not found in the masks: placed by anatomical prior ({kind.ToString().ToLowerInvariant()} position relative to the dural sac)")
        {
            SizeMm = (Math.Round((x1 - x0 + 1) * slice.SpacingX, 2), Math.Round((y1 - y0 + 1) * slice.SpacingY, 2)),
        };
    }

    /// <summary>Frame v of the disc's most posterior pixel, if the slice holds disc.</summary>
    private static double? DiscPosteriorMargin(LabelSlice slice, AnatomicalFrame frame)
    {
        double? margin = null;
        for (var y = 0; y < slice.Height; y++)
        {
            for (var x = 0; x < slice.Width; x++)
            {
                if (slice[x, y] == LabelSlice.Disc)
                {
                    var v = frame.ToFrame(x * slice.SpacingX, y * slice.SpacingY).V;
                    margin = margin is { } m ? Math.Max(m, v) : v;
                }
            }
        }

        return margin;
    }

    /// <summary>Bounding box (inclusive) and pixel count of the largest 8-connected component of <paramref name="mask"/>, or null if empty.</summary>
    internal static (int X0, int Y0, int X1, int Y1, int Pixels)? LargestComponent(bool[] mask, int width, int height)
    {
        var seen = new bool[mask.Length];
        var queue = new Queue<int>();
        (int X0, int Y0, int X1, int Y1, int Pixels)? best = null;
        var bestSize = 0;
        for (var start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || seen[start])
            {
                continue;
            }

            var (x0, y0, x1, y1, size) = (int.MaxValue, int.MaxValue, int.MinValue, int.MinValue, 0);
            seen[start] = true;
            queue.Enqueue(start);
            while (queue.TryDequeue(out var p))
            {
                var (x, y) = (p % width, p / width);
                (x0, y0, x1, y1, size) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y), size + 1);
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var (nx, ny) = (x + dx, y + dy);
                        if ((uint)nx < (uint)width && (uint)ny < (uint)height && mask[(ny * width) + nx] && !seen[(ny * width) + nx])
                        {
                            seen[(ny * width) + nx] = true;
                            queue.Enqueue((ny * width) + nx);
                        }
                    }
                }
            }

            if (size > bestSize)
            {
                (best, bestSize) = ((x0, y0, x1, y1, size), size);
            }
        }

        return best;
    }
}
