using System.Globalization;
using Spine.Contracts.V1;

namespace Spine.Reporting;

/// <summary>Sentences of the report that every rendering (HTML, SR, PDF) shares.</summary>
public static class ReportText
{
    /// <summary>
    /// The impression: the levels with a moderate or worse finding and what those findings are, in one sentence, then
    /// the levels that could not be graded; or that none was found at the levels graded.
    /// </summary>
    public static string Impression(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var graded = report.Levels.Where(l => l.NotAssessableReason is null).ToList();
        var significant = graded
            .Select(l => (l.Level, Findings: l.Findings.Where(f => f.Grade >= 2).OrderByDescending(f => f.Grade).ToList()))
            .Where(l => l.Findings.Count > 0)
            .ToList();
        var sentence = significant.Count == 0
            ? $"No moderate or severe central canal stenosis, neural foraminal stenosis or facet arthropathy at the {graded.Count} level{(graded.Count == 1 ? "" : "s")} graded."
            : "Moderate or worse findings at " + Join(significant.Select(l =>
                $"{l.Level.Name()} ({string.Join(", ", l.Findings.Select(f => $"{ResultObjects.GradeName(f.Grade)} {ResultObjects.Describe(f)}"))})")) + ".";
        var notAssessable = report.Levels.Where(l => l.NotAssessableReason is not null).Select(l => l.Level.Name()).ToList();
        return notAssessable.Count == 0 ? sentence : $"{sentence} Not assessable: {Join(notAssessable)}.";
    }

    /// <summary>The grading system a finding follows, by name.</summary>
    public static string GradingSystemName(FindingKind kind) => kind switch
    {
        FindingKind.CentralCanalStenosis => "Lee 2011",
        FindingKind.ForaminalStenosis => "Lee 2010",
        _ => "Pathria / Weishaupt",
    };

    /// <summary>The grading system and its published grades, in a sentence.</summary>
    public static string GradingSystem(FindingKind kind) => kind switch
    {
        FindingKind.CentralCanalStenosis => "Lee et al. 2011 (axial T2): normal, anterior CSF space not obliterated; mild, anterior CSF space obliterated, every cauda equina root separable; moderate, some roots aggregated; severe, no root separable, the sac one bundle.",
        FindingKind.ForaminalStenosis => "Lee et al. 2010: normal; mild, perineural fat obliterated in two opposing directions; moderate, obliterated in four directions without root change; severe, root collapse or deformity.",
        _ => "Pathria / Weishaupt: normal, joint space 2-4 mm; mild, narrowing below 2 mm or small osteophytes, mild hypertrophy; moderate, moderate osteophytes and hypertrophy, mild subarticular erosions; severe, large osteophytes, severe hypertrophy and erosions, subchondral cysts.",
    };

    /// <summary>Where a level was read, as a radiologist finds it in PACS: series, image number and slice position.</summary>
    public static string Where(SourceImage image, int? seriesNumber)
    {
        ArgumentNullException.ThrowIfNull(image);
        var series = seriesNumber is { } number ? $"series {number.ToString(CultureInfo.InvariantCulture)}, " : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{series}image {image.Instance.InstanceNumber} (slice position {image.Instance.SlicePositionMm:0.0} mm)");
    }

    /// <summary>A measurement with its unit as people write it: a ratio has none.</summary>
    public static string Measurement(Measurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        return measurement.Unit switch
        {
            "1" or "" => string.Create(CultureInfo.InvariantCulture, $"{measurement.Name} {measurement.Value:0.00}"),
            "mm2" => string.Create(CultureInfo.InvariantCulture, $"{measurement.Name} {measurement.Value:0} mm²"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{measurement.Name} {measurement.Value:0.#} {measurement.Unit}"),
        };
    }

    private static string Join(IEnumerable<string> parts)
    {
        var list = parts.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list[..^1]) + " and " + list[^1];
    }
}
