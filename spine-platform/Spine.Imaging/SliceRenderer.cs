namespace Spine.Imaging;

/// <summary>Colours for labels and heat maps.</summary>
public static class ColorMaps
{
    /// <summary>Label colours (RGB) by label value: 1 disc, 2 posterior element, 3 thecal sac, 4 canal and foramina region.</summary>
    public static IReadOnlyList<(byte R, byte G, byte B)> Labels { get; } =
    [
        (0, 0, 0), (255, 200, 0), (0, 170, 255), (255, 60, 60), (80, 220, 80), (200, 80, 255), (255, 255, 255),
    ];

    /// <summary>A perceptually ordered map from dark purple through red to yellow (t in 0..1), for heat maps.</summary>
    public static (byte R, byte G, byte B) Heat(float t)
    {
        t = Math.Clamp(t, 0, 1);
        (float, float, float)[] stops = [(0, 0, 4), (87, 16, 110), (188, 55, 84), (249, 142, 9), (252, 255, 164)];
        var x = t * (stops.Length - 1);
        var i = Math.Min((int)x, stops.Length - 2);
        var f = x - i;
        var (r0, g0, b0) = stops[i];
        var (r1, g1, b1) = stops[i + 1];
        return ((byte)(r0 + ((r1 - r0) * f)), (byte)(g0 + ((g1 - g0) * f)), (byte)(b0 + ((b1 - b0) * f)));
    }
}

/// <summary>Renders one slice to RGB: a grey image in a window, optional label contours and a heat map blended over it.</summary>
public sealed class SliceRenderer
{
    /// <summary>Grey values below this map to black, above <see cref="WindowHigh"/> to white; both null: the slice's 1st and 99th percentiles.</summary>
    public float? WindowLow { get; init; }

    public float? WindowHigh { get; init; }

    /// <summary>Opacity of the heat map where it is strongest.</summary>
    public float HeatOpacity { get; init; } = 0.6f;

    /// <summary>RGB bytes of slice <paramref name="k"/>, rows top to bottom.</summary>
    public byte[] Render(Volume<float> image, int k, Volume<byte>? labels = null, float[]? heat = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var slice = image.Slice(k);
        var (low, high) = Window(slice);
        var width = image.SizeI;
        var height = image.SizeJ;
        var rgb = new byte[width * height * 3];
        for (var p = 0; p < slice.Length; p++)
        {
            var grey = (byte)Math.Clamp((slice[p] - low) / Math.Max(high - low, 1e-6f) * 255, 0, 255);
            rgb[3 * p] = rgb[(3 * p) + 1] = rgb[(3 * p) + 2] = grey;
        }

        if (heat is not null)
        {
            for (var p = 0; p < slice.Length; p++)
            {
                var (r, g, b) = ColorMaps.Heat(heat[p]);
                var alpha = HeatOpacity * Math.Clamp(heat[p], 0, 1);
                rgb[3 * p] = (byte)((rgb[3 * p] * (1 - alpha)) + (r * alpha));
                rgb[(3 * p) + 1] = (byte)((rgb[(3 * p) + 1] * (1 - alpha)) + (g * alpha));
                rgb[(3 * p) + 2] = (byte)((rgb[(3 * p) + 2] * (1 - alpha)) + (b * alpha));
            }
        }

        if (labels is not null)
        {
            DrawContours(rgb, labels.Slice(k), width, height);
        }

        return rgb;
    }

    public byte[] RenderPng(Volume<float> image, int k, Volume<byte>? labels = null, float[]? heat = null) =>
        Png.Encode(image.SizeI, image.SizeJ, Render(image, k, labels, heat));

    /// <summary>Draws a box outline (for regions) in a colour.</summary>
    public static void DrawBox(byte[] rgb, int width, int height, int x, int y, int boxWidth, int boxHeight, (byte R, byte G, byte B) colour)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        for (var i = x; i < x + boxWidth; i++)
        {
            Put(rgb, width, height, i, y, colour);
            Put(rgb, width, height, i, y + boxHeight - 1, colour);
        }

        for (var j = y; j < y + boxHeight; j++)
        {
            Put(rgb, width, height, x, j, colour);
            Put(rgb, width, height, x + boxWidth - 1, j, colour);
        }
    }

    // A pixel is on a contour when its label differs from a 4-neighbour's and is not background.
    private static void DrawContours(byte[] rgb, ReadOnlySpan<byte> labels, int width, int height)
    {
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var label = labels[(y * width) + x];
                if (label == 0)
                {
                    continue;
                }

                var edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || labels[(y * width) + x - 1] != label || labels[(y * width) + x + 1] != label
                    || labels[((y - 1) * width) + x] != label || labels[((y + 1) * width) + x] != label;
                if (edge)
                {
                    Put(rgb, width, height, x, y, ColorMaps.Labels[Math.Min(label, ColorMaps.Labels.Count - 1)]);
                }
            }
        }
    }

    private static void Put(byte[] rgb, int width, int height, int x, int y, (byte R, byte G, byte B) colour)
    {
        if ((uint)x < (uint)width && (uint)y < (uint)height)
        {
            var p = 3 * ((y * width) + x);
            (rgb[p], rgb[p + 1], rgb[p + 2]) = colour;
        }
    }

    private (float Low, float High) Window(ReadOnlySpan<float> slice)
    {
        if (WindowLow is { } low && WindowHigh is { } high)
        {
            return (low, high);
        }

        var sorted = slice.ToArray();
        Array.Sort(sorted);
        return (WindowLow ?? sorted[(int)(0.01 * (sorted.Length - 1))], WindowHigh ?? sorted[(int)(0.99 * (sorted.Length - 1))]);
    }
}
