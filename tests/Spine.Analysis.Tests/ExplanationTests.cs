using Spine.Analysis.Anatomy;
using Spine.Analysis.Explanation;
using Spine.Analysis.Models;
using Spine.Contracts.V1;

namespace Spine.Analysis.Tests;

public sealed class ExplanationTests
{
    private static readonly AnatomicalFrame Upright = new(50, 50, 1, 0, 0, 1);

    /// <summary>A 16x16 map that is hot in its first cell only (the crop's first column and row).</summary>
    private static GraderResult HotCorner()
    {
        var map = new float[256];
        map[0] = 5;
        return new GraderResult([0.1f, 0.2f, 0.6f, 0.1f], [new float[256], new float[256], map, new float[256]], 16, 16);
    }

    private static (int X, int Y) Hottest(float[] heat, int width)
    {
        var index = Array.IndexOf(heat, heat.Max());
        return (index % width, index / width);
    }

    [Fact]
    public void The_heat_of_a_map_cell_lands_on_the_slice_pixels_the_crop_took_that_cell_from()
    {
        // 32 mm crop at 0.5 mm: a map cell covers 2 mm; the first cell is 16 mm lateral-negative and anterior of the centre.
        var heat = ClassActivationMaps.OnSlice(HotCorner(), 2, CropSpec.Foramen, Upright, Side.Left, 50, 50, 100, 100, 1, 1);

        var (x, y) = Hottest(heat, 100);
        Assert.InRange(x, 33, 36);
        Assert.InRange(y, 33, 36);
        Assert.Equal(1f, heat.Max());
        Assert.Equal(0f, heat[(10 * 100) + 10]);
        Assert.Equal(0f, heat[(50 * 100) + 90]);
    }

    [Fact]
    public void A_right_side_map_is_mirrored_back_onto_the_right()
    {
        var left = Hottest(ClassActivationMaps.OnSlice(HotCorner(), 2, CropSpec.Foramen, Upright, Side.Left, 50, 50, 100, 100, 1, 1), 100);
        var right = Hottest(ClassActivationMaps.OnSlice(HotCorner(), 2, CropSpec.Foramen, Upright, Side.Right, 50, 50, 100, 100, 1, 1), 100);

        Assert.Equal(left.Y, right.Y);
        Assert.InRange(left.X + right.X, 98, 101);
    }

    [Fact]
    public void A_map_without_positive_evidence_gives_no_heat()
    {
        var heat = ClassActivationMaps.OnSlice(HotCorner(), 0, CropSpec.Foramen, Upright, Side.Left, 50, 50, 100, 100, 1, 1);

        Assert.All(heat, h => Assert.Equal(0f, h));
    }

    [Fact]
    public void Central_canal_rationale_quotes_the_area_against_the_literature_thresholds_and_the_trees_path()
    {
        var tree = new TreeGrade([0, 0, 0.1, 0.9], ["dural sac / disc area ratio 0.21 <= 0.3", "dural sac area 62 mm2 <= 73.3 mm2"]);

        var text = Rationale.CentralCanal(new LevelMeasurements(62.4, 300, 8.1, 0.208), tree);

        Assert.StartsWith("Dural sac area 62 mm2, below the 75 mm2 absolute-stenosis threshold; ratio to disc area 0.21", text, StringComparison.Ordinal);
        Assert.Contains("dural sac area 62 mm2 <= 73.3 mm2: severe (p 0.90)", text, StringComparison.Ordinal);
        Assert.Contains("below the 100 mm2 relative-stenosis threshold", Rationale.CentralCanal(new LevelMeasurements(88, 300, 9, 0.29), tree), StringComparison.Ordinal);
    }

    [Fact]
    public void Cnn_rationale_gives_grade_probability_and_warns_when_the_region_came_from_the_prior()
    {
        var prior = new LocatedRegion(RegionKind.Facet, Side.Right, 1, 2, 3, 4, 5, 6, false, "not found in the masks: placed by anatomical prior (facet position relative to the dural sac)");

        var text = Rationale.Cnn("Right facet", HotCorner(), prior);

        Assert.StartsWith("Right facet: CNN grade moderate (p 0.60; moderate or worse 0.70)", text, StringComparison.Ordinal);
        Assert.Contains("grade with caution", text, StringComparison.Ordinal);
    }
}

public sealed class LevelOverlayTests
{
    [Fact]
    public void Overlay_draws_each_region_box_in_its_colour_over_the_slice()
    {
        var (slab, truth) = PhantomLevels.All[0];
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
    public void Overlay_png_is_cropped_to_the_anatomy_and_regions_with_a_margin()
    {
        var (slab, truth) = PhantomLevels.All[0];
        var slice = LabelSlice.Of(slab.Labels, truth.MidSlice, v => v);
        var regions = RegionLocator.Locate(slice, AnatomicalFrame.Of(slice));

        var (x, y, width, height) = LevelOverlay.CropBox(slab.Labels, truth.MidSlice, regions);
        var png = LevelOverlay.RenderPng(slab.Image, slab.Labels, truth.MidSlice, regions, heat: null);

        // IHDR: width and height, big-endian, at bytes 16 and 20.
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(width * height < slab.Image.SizeI * slab.Image.SizeJ / 2, $"{width}x{height} of {slab.Image.SizeI}x{slab.Image.SizeJ}");
        Assert.All(regions, r =>
        {
            Assert.InRange(r.X, x + LevelOverlay.CropMargin, x + width);
            Assert.InRange(r.Y + r.Height - 1, y, y + height - 1 - LevelOverlay.CropMargin);
        });
    }
}
