namespace Spine.Imaging;

/// <summary>Drawing on RGB pictures (3 bytes a pixel, rows top to bottom): enlarging, outlines and marker letters.</summary>
public static class RgbDrawing
{
    // 5x7 glyphs of the orientation markers, a row a string, '#' set.
    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['R'] = ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
        ['L'] = ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
        ['A'] = [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        ['P'] = ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
    };

    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    /// <summary>The picture <paramref name="factor"/> times larger each way, each pixel a block (no blur: label edges stay sharp).</summary>
    public static byte[] Enlarge(byte[] rgb, int width, int height, int factor)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (factor <= 1)
        {
            return rgb;
        }

        var outWidth = width * factor;
        var enlarged = new byte[outWidth * height * factor * 3];
        for (var y = 0; y < height * factor; y++)
        {
            var source = (y / factor) * width;
            for (var x = 0; x < outWidth; x++)
            {
                Array.Copy(rgb, 3 * (source + (x / factor)), enlarged, 3 * ((y * outWidth) + x), 3);
            }
        }

        return enlarged;
    }

    /// <summary>Paints the boundary pixels of <paramref name="label"/> (those with a 4-neighbour of another label).</summary>
    public static void Outline(byte[] rgb, int width, int height, ReadOnlySpan<byte> labels, byte label, (byte R, byte G, byte B) colour)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = (y * width) + x;
                if (labels[p] == label && (x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || labels[p - 1] != label || labels[p + 1] != label || labels[p - width] != label || labels[p + width] != label))
                {
                    (rgb[3 * p], rgb[(3 * p) + 1], rgb[(3 * p) + 2]) = colour;
                }
            }
        }
    }

    /// <summary>A marker letter (R, L, A or P) with its top left at (x, y), each glyph pixel a <paramref name="scale"/>-square, on a dark shadow.</summary>
    public static void Letter(byte[] rgb, int width, int height, char letter, int x, int y, int scale, (byte R, byte G, byte B) colour)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        var glyph = Glyphs[letter];
        foreach (var (offset, paint) in new[] { (1, ((byte)0, (byte)0, (byte)0)), (0, colour) })
        {
            for (var row = 0; row < GlyphHeight; row++)
            {
                for (var column = 0; column < GlyphWidth; column++)
                {
                    if (glyph[row][column] != '#')
                    {
                        continue;
                    }

                    for (var dy = 0; dy < scale; dy++)
                    {
                        for (var dx = 0; dx < scale; dx++)
                        {
                            var (px, py) = (x + (column * scale) + dx + offset, y + (row * scale) + dy + offset);
                            if (px >= 0 && py >= 0 && px < width && py < height)
                            {
                                var p = (py * width) + px;
                                (rgb[3 * p], rgb[(3 * p) + 1], rgb[(3 * p) + 2]) = paint;
                            }
                        }
                    }
                }
            }
        }
    }
}
