using Spine.Analysis;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
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
    public void Overlay_png_is_cropped_to_the_anatomy_and_regions_with_a_margin()
    {
        var (slab, truth) = FirstLevel;
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
