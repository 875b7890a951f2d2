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

    private static string Join(IEnumerable<string> parts)
    {
        var list = parts.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list[..^1]) + " and " + list[^1];
    }
}
