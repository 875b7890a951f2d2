using Spine.Analysis.Anatomy;
using Spine.Imaging;

namespace Spine.Analysis.Explanation;

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

    public static byte[] RenderPng(Volume<float> image, Volume<byte> labels, int slice, IReadOnlyList<LocatedRegion> regions, float[]? heat) =>
        Png.Encode(image.SizeI, image.SizeJ, Render(image, labels, slice, regions, heat));
}
