using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;

namespace Spine.Analysis.Tests;

public sealed class ClassActivationMapTests
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
}
