using System.Globalization;

namespace Spine.Analysis.Anatomy;

/// <summary>The measurements the central canal rules use, taken on the slice through the disc's mid-plane.</summary>
public sealed record LevelMeasurements(double DuralSacAreaMm2, double DiscAreaMm2, double DuralSacApDiameterMm, double DuralSacToDiscAreaRatio)
{
    public const string AreaRatio = "dural sac / disc area ratio";
    public const string ApRatio = "dural sac / disc AP diameter ratio";
    public const string SacArea = "dural sac area";
    public const string SacAp = "dural sac AP diameter";

    /// <summary>The disc's extent along the frame's posterior axis (mm); 0 when unknown (measurements of older callers).</summary>
    public double DiscApDiameterMm { get; init; }

    /// <summary>The sac's AP diameter over the disc's (the companion study's second-best single feature).</summary>
    public double DuralSacToDiscApRatio => DiscApDiameterMm <= 0 ? 0 : Math.Round(DuralSacApDiameterMm / DiscApDiameterMm, 4);

    /// <summary>The features a central canal decision tree may be offered, by name, with their units.</summary>
    public static IReadOnlyList<(string Name, string Unit)> CentralCanalCandidates { get; } = [(AreaRatio, ""), (ApRatio, ""), (SacArea, "mm2"), (SacAp, "mm")];

    /// <summary>Areas are pixel counts times the pixel area; AP diameters are extents along the frame's posterior axis.</summary>
    public static LevelMeasurements Of(LabelSlice slice, AnatomicalFrame frame)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var sacPixels = slice.Count(LabelSlice.ThecalSac);
        var discPixels = slice.Count(LabelSlice.Disc);
        double sacFront = double.MaxValue, sacBack = double.MinValue, discFront = double.MaxValue, discBack = double.MinValue;
        for (var y = 0; y < slice.Height; y++)
        {
            for (var x = 0; x < slice.Width; x++)
            {
                var label = slice[x, y];
                if (label is not (LabelSlice.ThecalSac or LabelSlice.Disc))
                {
                    continue;
                }

                var (_, v) = frame.ToFrame(x * slice.SpacingX, y * slice.SpacingY);
                if (label == LabelSlice.ThecalSac)
                {
                    (sacFront, sacBack) = (Math.Min(sacFront, v), Math.Max(sacBack, v));
                }
                else
                {
                    (discFront, discBack) = (Math.Min(discFront, v), Math.Max(discBack, v));
                }
            }
        }

        // Pixel centres span the extent less one pixel: add the pixel's size along the axis.
        var pixelAlong = Math.Min(Math.Abs(frame.PosteriorX * slice.SpacingX) + Math.Abs(frame.PosteriorY * slice.SpacingY), Math.Max(slice.SpacingX, slice.SpacingY));
        var apDiameter = sacPixels == 0 ? 0 : sacBack - sacFront + pixelAlong;
        var discAp = discPixels == 0 ? 0 : discBack - discFront + pixelAlong;
        var sacArea = sacPixels * slice.PixelAreaMm2;
        var discArea = discPixels * slice.PixelAreaMm2;
        return new LevelMeasurements(
            Math.Round(sacArea, 2),
            Math.Round(discArea, 2),
            Math.Round(apDiameter, 2),
            discPixels == 0 ? 0 : Math.Round(sacArea / discArea, 4))
        {
            DiscApDiameterMm = Math.Round(discAp, 2),
        };
    }

    /// <summary>The value of a feature by its name (<see cref="CentralCanalCandidates"/>), as a decision tree's model.json lists them.</summary>
    public double Feature(string name) => name switch
    {
        AreaRatio => DuralSacToDiscAreaRatio,
        ApRatio => DuralSacToDiscApRatio,
        SacArea => DuralSacAreaMm2,
        SacAp => DuralSacApDiameterMm,
        _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is not a central canal feature this build measures ({string.Join(", ", CentralCanalCandidates.Select(c => c.Name))})."), nameof(name)),
    };

    /// <summary>The features a tree asks for, in its order.</summary>
    public double[] Features(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return [.. names.Select(Feature)];
    }
}
