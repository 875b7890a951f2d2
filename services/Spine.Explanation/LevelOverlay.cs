using Spine.Analysis.Anatomy;
using Spine.Imaging;

namespace Spine.Explanation;

/// <summary>
/// The picture of one finding for the report: the mid slice with the segmentation's contours, the heat map of the
/// grade, and the boxes of the regions graded (foramina cyan, facets yellow).
/// </summary>
public static class LevelOverlay
{
    public static (byte R, byte G, byte B) ForamenColour { get; } = (0, 220, 255);

    public static (byte R, byte G, byte B) FacetColour { get; } = (255, 220, 0);

    /// <summary>RGB bytes, rows top to bottom, of slice <paramref name="slice"/>.</summary>
    public static byte[] Render(Volume<float> image, Volume<byte> labels, int slice, IReadOnlyList<LocatedRegion> regions, float[]? heat)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(regions);
        var rgb = new SliceRenderer().Render(image, slice, labels, heat);
        foreach (var region in regions)
        {
            SliceRenderer.DrawBox(rgb, image.SizeI, image.SizeJ, region.X, region.Y, region.Width, region.Height,
                region.Kind == RegionKind.Foramen ? ForamenColour : FacetColour);
        }

        return rgb;
    }

    /// <summary>Pixels kept around the anatomy when the overlay is cropped for the report.</summary>
    public const int CropMargin = 16;

    /// <summary>
    /// The overlay as PNG, cropped to the segmented anatomy and the regions (with a margin): the report shows the spine,
    /// not the whole field of view, and stays a few hundred kilobytes for 25 pictures.
    /// </summary>
    public static byte[] RenderPng(Volume<float> image, Volume<byte> labels, int slice, IReadOnlyList<LocatedRegion> regions, float[]? heat)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgb = Render(image, labels, slice, regions, heat);
        var (x, y, width, height) = CropBox(labels, slice, regions);
        var cropped = new byte[width * height * 3];
        for (var row = 0; row < height; row++)
        {
            Array.Copy(rgb, 3 * (((y + row) * image.SizeI) + x), cropped, 3 * row * width, 3 * width);
        }

        return Png.Encode(width, height, cropped);
    }

    /// <summary>The box holding every labelled pixel of the slice and every region, widened by <see cref="CropMargin"/>, within the slice.</summary>
    public static (int X, int Y, int Width, int Height) CropBox(Volume<byte> labels, int slice, IReadOnlyList<LocatedRegion> regions)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(regions);
        var (x0, y0, x1, y1) = (int.MaxValue, int.MaxValue, int.MinValue, int.MinValue);
        var pixels = labels.Slice(slice);
        for (var j = 0; j < labels.SizeJ; j++)
        {
            for (var i = 0; i < labels.SizeI; i++)
            {
                if (pixels[(j * labels.SizeI) + i] != 0)
                {
                    (x0, y0, x1, y1) = (Math.Min(x0, i), Math.Min(y0, j), Math.Max(x1, i), Math.Max(y1, j));
                }
            }
        }

        foreach (var region in regions)
        {
            (x0, y0, x1, y1) = (Math.Min(x0, region.X), Math.Min(y0, region.Y), Math.Max(x1, region.X + region.Width - 1), Math.Max(y1, region.Y + region.Height - 1));
        }

        if (x0 > x1)
        {
            return (0, 0, labels.SizeI, labels.SizeJ);
        }

        x0 = Math.Clamp(x0 - CropMargin, 0, labels.SizeI - 1);
        y0 = Math.Clamp(y0 - CropMargin, 0, labels.SizeJ - 1);
        x1 = Math.Clamp(x1 + CropMargin, 0, labels.SizeI - 1);
        y1 = Math.Clamp(y1 + CropMargin, 0, labels.SizeJ - 1);
        return (x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }
}
