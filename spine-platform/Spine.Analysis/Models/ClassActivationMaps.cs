using Spine.Analysis.Anatomy;
using Spine.Contracts.V1;

namespace Spine.Analysis.Models;

/// <summary>
/// Carries a grader's class activation map from its crop back onto the slice it was cut from: the inverse of
/// <see cref="RegionCrop.Sample"/>, so that the heat lies over the anatomy the grader looked at (mirrored back for
/// right-side regions).
/// </summary>
public static class ClassActivationMaps
{
    /// <summary>
    /// Heat in [0, 1] for every pixel of a <paramref name="width"/> x <paramref name="height"/> slice: the map of
    /// <paramref name="grade"/> with negative evidence cut to zero, scaled by its maximum, bilinear between map cells,
    /// zero outside the crop.
    /// </summary>
    public static float[] OnSlice(GraderResult result, int grade, CropSpec spec, AnatomicalFrame frame, Side side,
        double centreXMm, double centreYMm, int width, int height, double spacingX, double spacingY)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(spec);
        var map = result.ClassActivationMaps[grade];
        var peak = map.Max();
        var heat = new float[width * height];
        if (peak <= 0)
        {
            return heat;
        }

        var mirror = side == Side.Right ? -1 : 1;
        var (colX, colY) = (mirror * frame.LeftX, mirror * frame.LeftY);
        var (rowX, rowY) = (frame.PosteriorX, frame.PosteriorY);
        var half = spec.Pixels / 2.0;
        var cellsPerPixel = (double)result.MapWidth / spec.Pixels;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (dx, dy) = ((x * spacingX) - centreXMm, (y * spacingY) - centreYMm);
                var c = (((dx * colX) + (dy * colY)) / spec.SpacingMm) + half;
                var r = (((dx * rowX) + (dy * rowY)) / spec.SpacingMm) + half;
                if (c < 0 || r < 0 || c >= spec.Pixels || r >= spec.Pixels)
                {
                    continue;
                }

                var value = Bilinear(map, result.MapWidth, result.MapHeight, (c * cellsPerPixel) - 0.5, (r * cellsPerPixel) - 0.5);
                heat[(y * width) + x] = Math.Clamp(value / peak, 0, 1);
            }
        }

        return heat;
    }

    /// <summary>Bilinear between cell centres; beyond the outer centres the edge cell's value.</summary>
    private static float Bilinear(float[] map, int width, int height, double x, double y)
    {
        x = Math.Clamp(x, 0, width - 1);
        y = Math.Clamp(y, 0, height - 1);
        var (x0, y0) = ((int)Math.Floor(x), (int)Math.Floor(y));
        var (x1, y1) = (Math.Min(x0 + 1, width - 1), Math.Min(y0 + 1, height - 1));
        var (fx, fy) = ((float)(x - x0), (float)(y - y0));
        var top = (map[(y0 * width) + x0] * (1 - fx)) + (map[(y0 * width) + x1] * fx);
        var bottom = (map[(y1 * width) + x0] * (1 - fx)) + (map[(y1 * width) + x1] * fx);
        return (top * (1 - fy)) + (bottom * fy);
    }
}
