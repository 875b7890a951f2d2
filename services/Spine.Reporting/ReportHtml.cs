using System.Globalization;
using System.Net;
using System.Text;
using Spine.Contracts.V1;

namespace Spine.Reporting;

/// <summary>
/// The report as one self-contained HTML page for people: the models' disclaimer first, the impression, a summary
/// table (levels by finding, grade and P(moderate or worse)), the grading systems, then per level where it was read
/// (series, image number, slice position), the measurements and per finding its grading system, probabilities,
/// rationale and overlay (embedded as data URIs and shown at least 384 pixels wide, so the page works offline and in
/// a PACS viewer), and the models used. Every text from the report is HTML-encoded.
/// </summary>
public static class ReportHtml
{
    private static readonly (FindingKind Kind, Side Side, string Title)[] Columns =
    [
        (FindingKind.CentralCanalStenosis, Side.None, "Central canal"),
        (FindingKind.ForaminalStenosis, Side.Left, "Left foramen"),
        (FindingKind.ForaminalStenosis, Side.Right, "Right foramen"),
        (FindingKind.FacetArthropathy, Side.Left, "Left facet"),
        (FindingKind.FacetArthropathy, Side.Right, "Right facet"),
    ];

    /// <param name="images">PNG bytes of an overlay or heat map, or null when it cannot be read (the page says so).</param>
    public static string Render(StudyReport report, Func<ObjectRef, byte[]?> images)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(images);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<title>Spine report ").Append(report.StudyId).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}")
            .Append(".g0{background:#e6f4ea}.g1{background:#fff8e1}.g2{background:#ffe0b2}.g3{background:#ffcdd2}.disclaimer{border:2px solid #b71c1c;padding:.6em;font-weight:bold}")
            .Append("img{width:24em;image-rendering:pixelated;display:block}.uncertain{color:#b71c1c}.na{background:#eceff1;font-style:italic}</style></head><body>\n");
        html.Append("<p class=\"disclaimer\">").Append(Encode(report.Disclaimer)).Append("</p>\n");
        html.Append("<h1>Lumbar spine MRI: automated reading</h1>\n<p>Study ").Append(report.StudyId)
            .Append(", series ").Append(Encode(report.SeriesInstanceUid)).Append(", generated ")
            .Append(report.GeneratedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append(".</p>\n");
        html.Append("<h2>Impression</h2>\n<p class=\"impression\">").Append(Encode(ReportText.Impression(report))).Append("</p>\n");
        Summary(html, report);
        GradingSystems(html);
        var seriesNumber = report.Series?.FirstOrDefault(s => s.Used)?.SeriesNumber;
        foreach (var level in report.Levels)
        {
            Level(html, level, seriesNumber, images);
        }

        html.Append("<h2>Models</h2>\n<table><tr><th>model</th><th>version</th><th>SHA-256</th><th>trained on</th></tr>\n");
        foreach (var model in report.Models)
        {
            html.Append("<tr><td>").Append(Encode(model.Name)).Append("</td><td>").Append(Encode(model.Version)).Append("</td><td><code>")
                .Append(Encode(model.Sha256.Length > 12 ? model.Sha256[..12] + "…" : model.Sha256)).Append("</code></td><td>")
                .Append(Encode(model.TrainingData)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        Series(html, report.Series ?? []);
        Skipped(html, report.RejectedFiles ?? []);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    // Every series of the study and why it was read or turned away: the radiologist sees what the reading rests on.
    private static void Series(StringBuilder html, IReadOnlyList<SeriesDecision> series)
    {
        if (series.Count == 0)
        {
            return;
        }

        html.Append("<h2>Series</h2>\n<table><tr><th>series</th><th>description</th><th>read</th><th>why</th></tr>\n");
        foreach (var s in series)
        {
            html.Append("<tr><td>").Append(s.SeriesNumber?.ToString(CultureInfo.InvariantCulture) ?? string.Empty).Append("</td><td>").Append(Encode(s.Description))
                .Append("</td><td>").Append(s.Used ? "yes" : "turned away").Append("</td><td>").Append(Encode(s.Reason)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    // Files that came with the study but were not read: the radiologist should know the reading may lack images.
    private static void Skipped(StringBuilder html, IReadOnlyList<RejectedFile> rejected)
    {
        if (rejected.Count == 0)
        {
            return;
        }

        html.Append("<h2>Files not read</h2>\n<p>").Append(rejected.Count)
            .Append(rejected.Count == 1 ? " file that came with the study was" : " files that came with the study were")
            .Append(" skipped.</p>\n<table><tr><th>file</th><th>reason</th></tr>\n");
        foreach (var file in rejected)
        {
            html.Append("<tr><td>").Append(Encode(file.Name)).Append("</td><td>").Append(Encode(file.Reason)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Summary(StringBuilder html, StudyReport report)
    {
        html.Append("<h2>Summary</h2>\n<table><tr><th>level</th>");
        foreach (var column in Columns)
        {
            html.Append("<th>").Append(column.Title).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var level in report.Levels)
        {
            html.Append("<tr><th>").Append(LevelName(level.Level));
            if (level.LevelUncertain)
            {
                html.Append(" <span class=\"uncertain\" title=\"fewer or more than five disc levels covered\">(level uncertain)</span>");
            }

            html.Append("</th>");
            if (level.NotAssessableReason is { } reason)
            {
                html.Append("<td colspan=\"").Append(Columns.Length).Append("\" class=\"na\">not assessable: ").Append(Encode(reason)).Append("</td></tr>\n");
                continue;
            }

            foreach (var column in Columns)
            {
                var finding = level.Findings.FirstOrDefault(f => f.Kind == column.Kind && f.Side == column.Side);
                html.Append(finding is null
                    ? "<td>not assessed</td>"
                    : string.Create(CultureInfo.InvariantCulture, $"<td class=\"g{finding.Grade}\">{ResultObjects.GradeName(finding.Grade)} <small>(P moderate or worse {finding.SignificantProbability:0.00})</small></td>"));
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    // The published systems the grades follow, with their definitions, so a reader knows what "moderate" means here.
    private static void GradingSystems(StringBuilder html) => html.Append("<h2>Grading systems</h2>\n<ul class=\"grading\">")
        .Append("<li>Central canal: ").Append(Encode(ReportText.GradingSystem(FindingKind.CentralCanalStenosis))).Append("</li>")
        .Append("<li>Neural foramina: ").Append(Encode(ReportText.GradingSystem(FindingKind.ForaminalStenosis))).Append("</li>")
        .Append("<li>Facet joints: ").Append(Encode(ReportText.GradingSystem(FindingKind.FacetArthropathy))).Append("</li></ul>\n");

    private static void Level(StringBuilder html, LevelReport level, int? seriesNumber, Func<ObjectRef, byte[]?> images)
    {
        html.Append("<h2>").Append(LevelName(level.Level)).Append("</h2>\n");
        if (level.ReadOn is { } readOn)
        {
            html.Append("<p class=\"where\">Read on ").Append(Encode(ReportText.Where(readOn, seriesNumber))).Append(".</p>\n");
        }

        html.Append("<p>");
        if (level.NotAssessableReason is { } reason)
        {
            html.Append("Not assessable: ").Append(Encode(reason)).Append(". Nothing is graded at this level; it must be read without the platform.</p>\n");
            return;
        }

        html.Append(string.Join("; ", level.Measurements.Select(m => Encode(ReportText.Measurement(m)))));
        html.Append("</p>\n");
        foreach (var finding in level.Findings)
        {
            var title = Columns.FirstOrDefault(c => c.Kind == finding.Kind && c.Side == finding.Side).Title ?? finding.Kind.ToString();
            html.Append("<h3>").Append(title).Append(": ").Append(ResultObjects.GradeName(finding.Grade)).Append("</h3>\n<p>Probabilities ")
                .Append(string.Join(", ", finding.GradeProbabilities.Select((p, g) => string.Create(CultureInfo.InvariantCulture, $"{ResultObjects.GradeName(g)} {p:0.00}"))))
                .Append("; graded by ").Append(Encode($"{finding.Model.Name} {finding.Model.Version}"))
                .Append(" on the ").Append(Encode(ReportText.GradingSystemName(finding.Kind))).Append(" scale.</p>\n");
            if (finding.Explanation is { } explanation)
            {
                html.Append("<p>").Append(Encode(explanation.Rationale)).Append("</p>\n");
                if (explanation.Overlay is { } overlay)
                {
                    html.Append(images(overlay) is { } png
                        ? $"<img alt=\"{Encode(title)}: {(finding.Kind == FindingKind.CentralCanalStenosis ? "slice with contours and the measured dural sac outline" : "slice with contours, region and heat map")}, R and L marked\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">\n"
                        : "<p><em>overlay not available</em></p>\n");
                }
            }
        }
    }

    private static string LevelName(SpinalLevel level) => level.Name();

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
