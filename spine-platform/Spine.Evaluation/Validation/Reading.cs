using Spine.Contracts.V1;

namespace Spine.Evaluation.Validation;

/// <summary>The five findings the platform grades at each level, as the readings file and the validation name them.</summary>
public enum ReadFinding
{
    CentralCanal,
    ForamenLeft,
    ForamenRight,
    FacetLeft,
    FacetRight,
}

/// <summary>
/// One radiologist's grade of one finding at one level of one study. <see cref="Study"/> is the StudyInstanceUID or the
/// study's folder name; <see cref="Grade"/> is on <see cref="Scale"/>: 4 (normal 0, mild 1, moderate 2, severe 3) or 3
/// (RSNA's normal/mild 0, moderate 1, severe 2).
/// </summary>
public sealed record Reading(string Study, SpinalLevel Level, ReadFinding Finding, int Grade, int Scale, string Reader, int Line);

/// <summary>The readings of a file, and every row that could not be read (never silently dropped).</summary>
public sealed record ReadingSet(IReadOnlyList<Reading> Readings, IReadOnlyList<InputProblem> Problems);

/// <summary>Names of findings, levels and grades as readings files write them (one place, so a site can see and correct it).</summary>
public static class ReadingVocabulary
{
    public static string Name(this ReadFinding finding) => finding switch
    {
        ReadFinding.CentralCanal => "central_canal",
        ReadFinding.ForamenLeft => "foramen_left",
        ReadFinding.ForamenRight => "foramen_right",
        ReadFinding.FacetLeft => "facet_left",
        _ => "facet_right",
    };

    /// <summary>The finding's kind and side in the platform's report.</summary>
    public static (FindingKind Kind, Side Side) InReport(this ReadFinding finding) => finding switch
    {
        ReadFinding.CentralCanal => (FindingKind.CentralCanalStenosis, Side.None),
        ReadFinding.ForamenLeft => (FindingKind.ForaminalStenosis, Side.Left),
        ReadFinding.ForamenRight => (FindingKind.ForaminalStenosis, Side.Right),
        ReadFinding.FacetLeft => (FindingKind.FacetArthropathy, Side.Left),
        _ => (FindingKind.FacetArthropathy, Side.Right),
    };

    /// <summary>The group a finding is scored in (left and right together, as the seed paper reports them).</summary>
    public static string Group(this ReadFinding finding) => finding switch
    {
        ReadFinding.CentralCanal => "central_canal",
        ReadFinding.ForamenLeft or ReadFinding.ForamenRight => "foramen",
        _ => "facet",
    };

    private static readonly Dictionary<string, ReadFinding> Findings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["central_canal"] = ReadFinding.CentralCanal,
        ["spinal_canal_stenosis"] = ReadFinding.CentralCanal,
        ["central_canal_stenosis"] = ReadFinding.CentralCanal,
        ["foramen_left"] = ReadFinding.ForamenLeft,
        ["left_neural_foraminal_narrowing"] = ReadFinding.ForamenLeft,
        ["foramen_right"] = ReadFinding.ForamenRight,
        ["right_neural_foraminal_narrowing"] = ReadFinding.ForamenRight,
        ["facet_left"] = ReadFinding.FacetLeft,
        ["facet_right"] = ReadFinding.FacetRight,
    };

    public static ReadFinding? Finding(string text) => Findings.TryGetValue(text.Trim(), out var finding) ? finding : null;

    /// <summary>L1-L2 .. L5-S1, also written L1L2, L1/L2, L1_L2 or l1-l2.</summary>
    public static SpinalLevel? Level(string text)
    {
        var compact = new string([.. text.Trim().ToUpperInvariant().Where(char.IsLetterOrDigit)]);
        return compact switch
        {
            "T12L1" => SpinalLevel.T12L1,
            "L1L2" => SpinalLevel.L1L2,
            "L2L3" => SpinalLevel.L2L3,
            "L3L4" => SpinalLevel.L3L4,
            "L4L5" => SpinalLevel.L4L5,
            "L5S1" => SpinalLevel.L5S1,
            _ => null,
        };
    }

    /// <summary>
    /// A grade and its scale: 0-3 or normal/mild/moderate/severe on the 4-point scale; "Normal/Mild", "Moderate",
    /// "Severe" or 0-2 on RSNA's 3-point scale (when <paramref name="scale"/> is 3, or the text says "normal/mild").
    /// </summary>
    public static (int Grade, int Scale)? Grade(string text, int? scale)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "normal/mild" or "normal_mild" or "normal-mild")
        {
            return scale is null or 3 ? (0, 3) : null;
        }

        if (scale == 3)
        {
            return t switch
            {
                "0" => (0, 3),
                "1" or "moderate" => (1, 3),
                "2" or "severe" => (2, 3),
                _ => null,
            };
        }

        return t switch
        {
            "0" or "normal" => (0, 4),
            "1" or "mild" => (1, 4),
            "2" or "moderate" => (2, 4),
            "3" or "severe" => (3, 4),
            _ => null,
        };
    }
}
