using Spine.Analysis;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Phantom;

namespace Spine.Explanation.Tests;

public sealed class LevelOverlayTests
{
    private static readonly Lazy<PhantomStudy> Study = new(() => PhantomGenerator.Generate(new PhantomOptions { Seed = 424242, Distractors = false }));

    private static (PhantomSlab Slab, LevelTruth Truth) FirstLevel => (Study.Value.Slabs[0], Study.Value.Truth.Levels[0]);

    [Fact]
    public void Overlay_draws_each_region_box_in_its_colour_over_the_slice()
    {
        var (slab, truth) = FirstLevel;
        var slice = LabelSlice.Of(slab.Labels, truth.MidSlice, v => v);
        var regions = RegionLocator.Locate(slice, AnatomicalFrame.Of(slice));

        var rgb = LevelOverlay.Render(slab.Image, slab.Labels, truth.MidSlice, regions, heat: null);
        var png = LevelOverlay.RenderPng(slab.Image, slab.Labels, truth.MidSlice, regions, heat: null);

        (byte, byte, byte) At(int x, int y) => (rgb[3 * ((y * slab.Image.SizeI) + x)], rgb[(3 * ((y * slab.Image.SizeI) + x)) + 1], rgb[(3 * ((y * slab.Image.SizeI) + x)) + 2]);
        var foramen = regions.First(r => r.Kind == RegionKind.Foramen);
        var facet = regions.First(r => r.Kind == RegionKind.Facet);
        Assert.Equal(LevelOverlay.ForamenColour, At(foramen.X, foramen.Y + 1));
        Assert.Equal(LevelOverlay.FacetColour, At(facet.X + facet.Width - 1, facet.Y + 1));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png.Take(4).Select(b => (int)b));
    }

    [Fact]
    public void Overlay_png_is_cropped_to_the_anatomy_and_regions_with_a_margin_and_enlarged_to_a_readable_width()
    {
        var (slab, truth) = FirstLevel;
        var slice = LabelSlice.Of(slab.Labels, truth.MidSlice, v => v);
        var regions = RegionLocator.Locate(slice, AnatomicalFrame.Of(slice));

        var (x, y, width, height) = LevelOverlay.CropBox(slab.Labels, truth.MidSlice, regions);
        var png = LevelOverlay.RenderPng(slab.Image, slab.Labels, truth.MidSlice, regions, heat: null);

        // IHDR: width and height, big-endian, at bytes 16 and 20; a whole-pixel enlargement of the crop.
        var factor = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)) / width;
        Assert.True(width * factor >= LevelOverlay.MinimumWidth, $"{width} x {factor}");
        Assert.Equal(width * factor, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(height * factor, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(width * height < slab.Image.SizeI * slab.Image.SizeJ / 2, $"{width}x{height} of {slab.Image.SizeI}x{slab.Image.SizeJ}");
        Assert.All(regions, r =>
        {
            Assert.InRange(r.X, x + LevelOverlay.CropMargin, x + width);
            Assert.InRange(r.Y + r.Height - 1, y, y + height - 1 - LevelOverlay.CropMargin);
        });
    }

    [Fact]
    public void Overlay_marks_the_patients_right_on_the_side_the_rows_start_from()
    {
        var (slab, truth) = FirstLevel;
        var (width, height, rgb) = Png.DecodeRgb(LevelOverlay.RenderPng(slab.Image, slab.Labels, truth.MidSlice, [], heat: null));
        var scale = LevelOverlay.MarkerScale(width);
        var top = (height - (RgbDrawing.GlyphHeight * scale)) / 2;
        bool White(int x, int y) => rgb[3 * ((y * width) + x)] == 255 && rgb[(3 * ((y * width) + x)) + 1] == 255 && rgb[(3 * ((y * width) + x)) + 2] == 255;

        // The phantom's rows run to the patient's left (+x in LPS): R at the picture's left, L at its right. The second
        // cell of the glyphs' first row tells them apart (set in R, empty in L).
        Assert.True(slab.Image.Geometry.AxisI.X > 0);
        Assert.True(White((scale * 2) + scale, top), "R's top bar at the left edge");
        var rightX = width - (scale * (RgbDrawing.GlyphWidth + 2));
        Assert.True(White(rightX, top) && !White(rightX + scale, top), "L at the right edge");
        Assert.Equal(('L', 'R'), LevelOverlay.SideMarkers(slab.Image.Geometry with { AxisI = new Spine.Dicom.Vector3D(-1, 0, 0) }));
    }

    [Fact]
    public void The_canal_overlay_outlines_the_dural_sac_and_the_others_do_not()
    {
        var (slab, truth) = FirstLevel;
        int Outlined(bool outline)
        {
            var (_, _, rgb) = Png.DecodeRgb(LevelOverlay.RenderPng(slab.Image, slab.Labels, truth.MidSlice, [], heat: null, outlineSac: outline));
            return Enumerable.Range(0, rgb.Length / 3).Count(p => (rgb[3 * p], rgb[(3 * p) + 1], rgb[(3 * p) + 2]) == LevelOverlay.SacOutlineColour);
        }

        Assert.True(Outlined(true) > 100, $"{Outlined(true)} outline pixels");
        Assert.Equal(0, Outlined(false));
    }
}
