using Spine.Analysis.Anatomy;
using Spine.Imaging;

namespace Spine.Explanation;

/// <summary>
/// The picture of one finding for the report: the mid slice with the segmentation's contours, the heat map of the
/// grade (or, for the canal graded by the tree from the sac's area, the sac outline that area was measured inside),
/// and the boxes of the regions graded (foramina cyan, facets yellow); cropped to the anatomy, enlarged to at least
/// <see cref="MinimumWidth"/> pixels, with the patient's R and L marked on the sides they are.
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

    /// <summary>The narrowest the picture is made (by whole-pixel enlargement): readable in the report and in PACS.</summary>
    public const int MinimumWidth = 384;

    /// <summary>Magenta: unlike every label's contour colour and the heat map's reds and yellows.</summary>
    public static (byte R, byte G, byte B) SacOutlineColour { get; } = (255, 64, 255);

    public static (byte R, byte G, byte B) MarkerColour { get; } = (255, 255, 255);

    /// <summary>
    /// The overlay as PNG, cropped to the segmented anatomy and the regions (with a margin): the report shows the spine,
    /// not the whole field of view, and stays a few hundred kilobytes for 25 pictures. <paramref name="outlineSac"/>
    /// draws the dural sac's outline over the contours.
    /// </summary>
    public static byte[] RenderPng(Volume<float> image, Volume<byte> labels, int slice, IReadOnlyList<LocatedRegion> regions, float[]? heat, bool outlineSac = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        var rgb = Render(image, labels, slice, regions, heat);
        if (outlineSac)
        {
            RgbDrawing.Outline(rgb, image.SizeI, image.SizeJ, labels.Slice(slice), LabelSlice.ThecalSac, SacOutlineColour);
        }

        var (x, y, width, height) = CropBox(labels, slice, regions);
        var cropped = new byte[width * height * 3];
        for (var row = 0; row < height; row++)
        {
            Array.Copy(rgb, 3 * (((y + row) * image.SizeI) + x), cropped, 3 * row * width, 3 * width);
        }

        var factor = Math.Max(1, (MinimumWidth + width - 1) / width);
        var enlarged = RgbDrawing.Enlarge(cropped, width, height, factor);
        (width, height) = (width * factor, height * factor);
        var (left, right) = SideMarkers(image.Geometry);
        var scale = MarkerScale(width);
        var top = (height - (RgbDrawing.GlyphHeight * scale)) / 2;
        RgbDrawing.Letter(enlarged, width, height, left, scale * 2, top, scale, MarkerColour);
        RgbDrawing.Letter(enlarged, width, height, right, width - (scale * (RgbDrawing.GlyphWidth + 2)), top, scale, MarkerColour);
        return Png.Encode(width, height, enlarged);
    }

    /// <summary>Pixels per glyph pixel of the R and L markers on a picture this wide.</summary>
    public static int MarkerScale(int width) => Math.Max(2, width / 96);

    /// <summary>
    /// The patient's side at the picture's left and right edges: columns run along the slab's first axis (patient
    /// coordinates, LPS), so where it points to the patient's left (+x) the picture's left edge is the patient's right.
    /// </summary>
    public static (char Left, char Right) SideMarkers(VolumeGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return geometry.AxisI.X >= 0 ? ('R', 'L') : ('L', 'R');
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
