namespace Spine.Analysis.Anatomy;

/// <summary>The measurements the central canal rules use, taken on the slice through the disc's mid-plane.</summary>
public sealed record LevelMeasurements(double DuralSacAreaMm2, double DiscAreaMm2, double DuralSacApDiameterMm, double DuralSacToDiscAreaRatio)
{
    /// <summary>Areas are pixel counts times the pixel area; the AP diameter is the sac's extent along the frame's posterior axis.</summary>
    public static LevelMeasurements Of(LabelSlice slice, AnatomicalFrame frame)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var sacPixels = slice.Count(LabelSlice.ThecalSac);
        var discPixels = slice.Count(LabelSlice.Disc);
        double front = double.MaxValue, back = double.MinValue;
        for (var y = 0; y < slice.Height; y++)
        {
            for (var x = 0; x < slice.Width; x++)
            {
                if (slice[x, y] == LabelSlice.ThecalSac)
                {
                    var (_, v) = frame.ToFrame(x * slice.SpacingX, y * slice.SpacingY);
                    (front, back) = (Math.Min(front, v), Math.Max(back, v));
                }
            }
        }

        // Pixel centres span the extent less one pixel: add the pixel's size along the axis.
        var pixelAlong = Math.Abs(frame.PosteriorX * slice.SpacingX) + Math.Abs(frame.PosteriorY * slice.SpacingY);
        var apDiameter = sacPixels == 0 ? 0 : back - front + Math.Min(pixelAlong, Math.Max(slice.SpacingX, slice.SpacingY));
        var sacArea = sacPixels * slice.PixelAreaMm2;
        var discArea = discPixels * slice.PixelAreaMm2;
        return new LevelMeasurements(
            Math.Round(sacArea, 2),
            Math.Round(discArea, 2),
            Math.Round(apDiameter, 2),
            discPixels == 0 ? 0 : Math.Round(sacArea / discArea, 4));
    }

    /// <summary>The decision tree's features, in the order its model.json lists them.</summary>
    public double[] CentralCanalFeatures() => [DuralSacToDiscAreaRatio, DuralSacAreaMm2];
}
