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

    /// <summary>A CNN grade: the grade, its probability and P(moderate or worse), and how the region was found.</summary>
    public static string Cnn(string finding, GraderResult result, LocatedRegion? region)
    {
        ArgumentNullException.ThrowIfNull(result);
        var located = region is null ? string.Empty
            : region.FromMasks ? string.Create(CultureInfo.InvariantCulture, $" Region: {region.Rule}, {region.AreaMm2:0} mm2.")
            : $" Region {region.Rule}: grade with caution.";
        return string.Create(CultureInfo.InvariantCulture,
            $"{finding}: CNN grade {GradeName(result.Grade)} (p {result.Probabilities[result.Grade]:0.00}; moderate or worse {result.ModerateOrWorse:0.00}); the heat map shows the image evidence for that grade.{located}");
    }
}
