using Spine.Analysis;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;

namespace Spine.Explanation.Tests;

public sealed class RationaleTests
{
    /// <summary>A grader result whose moderate-grade map is hot in its first cell only.</summary>
    private static GraderResult HotCorner()
    {
        var map = new float[256];
        map[0] = 5;
        return new GraderResult([0.1f, 0.2f, 0.6f, 0.1f], [new float[256], new float[256], map, new float[256]], 16, 16);
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
    public void Cnn_rationale_gives_grade_probability_the_sign_of_the_grade_and_warns_when_the_region_came_from_the_prior()
    {
        var prior = new LocatedRegion(RegionKind.Facet, Side.Right, 1, 2, 3, 4, 5, 6, false, "not found in the masks: placed by anatomical prior (facet position relative to the dural sac)");

        var text = Rationale.Cnn("Right facet", RegionKind.Facet, HotCorner(), prior);

        Assert.StartsWith("Right facet: CNN grade moderate (p 0.60; moderate or worse 0.70). Sign of this grade: narrowing with moderate osteophytes", text, StringComparison.Ordinal);
        Assert.Contains("grade with caution", text, StringComparison.Ordinal);
        Assert.DoesNotContain("mm2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_foraminal_grade_names_its_own_sign_of_lee_2010()
    {
        var signs = Enumerable.Range(0, 4).Select(grade => Rationale.Sign(RegionKind.Foramen, grade)).ToList();

        Assert.Equal(4, signs.Distinct().Count());
        Assert.Contains("two opposing directions", signs[1], StringComparison.Ordinal);
        Assert.Contains("all four directions", signs[2], StringComparison.Ordinal);
        Assert.All(signs.Select((sign, grade) => (sign, grade)), s => Assert.EndsWith($"(Lee 2010 grade {s.grade})", s.sign, StringComparison.Ordinal));
    }
}
