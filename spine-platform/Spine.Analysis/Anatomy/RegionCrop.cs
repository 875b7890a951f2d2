using Spine.Contracts.V1;

namespace Spine.Analysis.Anatomy;

/// <summary>How a grader sees its region: a square of <see cref="SizeMm"/> sampled onto <see cref="Pixels"/> squared.</summary>
public sealed record CropSpec(RegionKind Region, double SizeMm, int Pixels)
{
    public const string Orientation = "level frame: columns run laterally (towards the patient's left for left and midline regions; right-side regions mirrored so that they run towards the patient's right), rows towards posterior";

    public double SpacingMm => SizeMm / Pixels;

    public static CropSpec CentralCanal { get; } = new(RegionKind.CentralCanal, 48, 64);

    public static CropSpec Foramen { get; } = new(RegionKind.Foramen, 32, 64);

    public static CropSpec Facet { get; } = new(RegionKind.Facet, 40, 64);

    public static CropSpec For(RegionKind region) => region switch
    {
        RegionKind.CentralCanal => CentralCanal,
        RegionKind.Foramen => Foramen,
        _ => Facet,
    };
}

/// <summary>
/// Samples a region of an image slice (bilinear) in the level's frame, so that every region reaches its grader in the
/// same orientation: right-side regions are mirrored onto the left, which lets one model grade both sides.
/// </summary>
public static class RegionCrop
{
    /// <param name="image">The normalised slice, row by row.</param>
    /// <param name="centreXMm">Centre of the crop in slice millimetres.</param>
    /// <param name="rotation">Extra in-plane rotation in radians (augmentation); 0 at inference.</param>
    public static float[] Sample(ReadOnlySpan<float> image, int width, int height, double spacingX, double spacingY,
        AnatomicalFrame frame, Side side, double centreXMm, double centreYMm, CropSpec spec, double rotation = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var crop = new float[spec.Pixels * spec.Pixels];
        var mirror = side == Side.Right ? -1 : 1;
        var (cos, sin) = (Math.Cos(rotation), Math.Sin(rotation));

        // Column and row steps in slice millimetres.
        var (colX, colY) = (mirror * ((frame.LeftX * cos) - (frame.PosteriorX * sin)), mirror * ((frame.LeftY * cos) - (frame.PosteriorY * sin)));
        var (rowX, rowY) = ((frame.LeftX * sin) + (frame.PosteriorX * cos), (frame.LeftY * sin) + (frame.PosteriorY * cos));
        var step = spec.SpacingMm;
        var half = spec.Pixels / 2.0;
        for (var r = 0; r < spec.Pixels; r++)
        {
            var b = (r + 0.5 - half) * step;
            for (var c = 0; c < spec.Pixels; c++)
            {
                var a = (c + 0.5 - half) * step;
                var x = (centreXMm + (a * colX) + (b * rowX)) / spacingX;
                var y = (centreYMm + (a * colY) + (b * rowY)) / spacingY;
                crop[(r * spec.Pixels) + c] = Bilinear(image, width, height, x, y);
            }
        }

        return crop;
    }

    private static float Bilinear(ReadOnlySpan<float> image, int width, int height, double x, double y)
    {
        var (x0, y0) = ((int)Math.Floor(x), (int)Math.Floor(y));
        var (fx, fy) = ((float)(x - x0), (float)(y - y0));
        var top = (At(image, width, height, x0, y0) * (1 - fx)) + (At(image, width, height, x0 + 1, y0) * fx);
        var bottom = (At(image, width, height, x0, y0 + 1) * (1 - fx)) + (At(image, width, height, x0 + 1, y0 + 1) * fx);
        return (top * (1 - fy)) + (bottom * fy);
    }

    /// <summary>Outside the slice reads as 0, the normalised background.</summary>
    private static float At(ReadOnlySpan<float> image, int width, int height, int i, int j) =>
        (uint)i < (uint)width && (uint)j < (uint)height ? image[(j * width) + i] : 0f;
}
