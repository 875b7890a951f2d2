using System.Globalization;
using Spine.Analysis;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;

namespace Spine.Explanation;

/// <summary>
/// One sentence per finding, from its measurements and the rule or model that graded it, for the report. Thresholds
/// quoted are the literature's (CLINICAL.md): dural sac area under 100 mm2 relative, under 75 mm2 absolute stenosis.
/// </summary>
public static class Rationale
{
    public const double RelativeStenosisMm2 = 100;
    public const double AbsoluteStenosisMm2 = 75;
    private static readonly string[] Grades = ["normal", "mild", "moderate", "severe"];

    public static string GradeName(int grade) => Grades[grade];

    /// <summary>The central canal by the decision tree: the area against the literature's thresholds, the ratio, and the tree's path.</summary>
    public static string CentralCanal(LevelMeasurements measurements, TreeGrade tree)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(tree);
        var area = measurements.DuralSacAreaMm2;
        var against = area < AbsoluteStenosisMm2 ? $"below the {AbsoluteStenosisMm2:0} mm2 absolute-stenosis threshold"
            : area < RelativeStenosisMm2 ? $"below the {RelativeStenosisMm2:0} mm2 relative-stenosis threshold"
            : $"above the {RelativeStenosisMm2:0} mm2 relative-stenosis threshold";
        return string.Create(CultureInfo.InvariantCulture,
            $"Dural sac area {area:0} mm2, {against}; ratio to disc area {measurements.DuralSacToDiscAreaRatio:0.00}; AP diameter {measurements.DuralSacApDiameterMm:0.0} mm. Decision tree: {string.Join(", then ", tree.Path)}: {GradeName(tree.Grade)} (p {tree.Probabilities[tree.Grade]:0.00}).");
    }

    /// <summary>
    /// A CNN grade: the grade with its probability and P(moderate or worse), the visible sign that grade rests on in its
    /// grading system (what the network was trained to recognise), and how the region was found.
    /// </summary>
    public static string Cnn(string finding, RegionKind kind, GraderResult result, LocatedRegion? region)
    {
        ArgumentNullException.ThrowIfNull(result);
        var located = region is null ? string.Empty
            : region.FromMasks ? $" Region located from the segmentation ({region.Rule})."
            : $" Region {region.Rule}: grade with caution.";
        return string.Create(CultureInfo.InvariantCulture,
            $"{finding}: CNN grade {GradeName(result.Grade)} (p {result.Probabilities[result.Grade]:0.00}; moderate or worse {result.ModerateOrWorse:0.00}). Sign of this grade: {Sign(kind, result.Grade)}; the heat map marks where the network found it.{located}");
    }

    /// <summary>The visible sign each grade is defined by (Lee 2010 for the foramina, Pathria / Weishaupt for the facets; CLINICAL.md).</summary>
    public static string Sign(RegionKind kind, int grade) => (kind, grade) switch
    {
        (RegionKind.Foramen, 0) => "perineural fat around the exiting root preserved (Lee 2010 grade 0)",
        (RegionKind.Foramen, 1) => "perineural fat obliterated in two opposing directions (Lee 2010 grade 1)",
        (RegionKind.Foramen, 2) => "perineural fat obliterated in all four directions, the root not deformed (Lee 2010 grade 2)",
        (RegionKind.Foramen, _) => "the exiting root collapsed or deformed (Lee 2010 grade 3)",
        (_, 0) => "a thin joint line without narrowing, osteophytes or hypertrophy (Pathria grade 0)",
        (_, 1) => "joint-space narrowing below 2 mm or small osteophytes (Pathria grade 1)",
        (_, 2) => "narrowing with moderate osteophytes and hypertrophy of the articular processes (Pathria grade 2)",
        _ => "severe narrowing with large osteophytes, severe hypertrophy or subchondral cysts (Pathria grade 3)",
    };
}
