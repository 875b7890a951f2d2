using System.Net;
using System.Text;

namespace Spine.Evaluation.Validation;

/// <summary>
/// The validation as one self-contained HTML page a radiologist can go through: the agreement table, then one entry per
/// discordant finding with its overlay and heat map embedded (no file beside it, nothing fetched), then what was not scored.
/// </summary>
public static class ValidationHtml
{
    /// <param name="outputFolder">The folder the images' relative paths are relative to.</param>
    public static string Write(ValidationReport report, string outputFolder)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(outputFolder);
        var html = new StringBuilder();
        void Add(string text) => html.Append(text).Append('\n');
        static string E(string text) => WebUtility.HtmlEncode(text);
        string FI(double? value, Interval? interval) => E(Figures.WithInterval(value, interval));

        Add("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Validation against the site's readings</title>");
        Add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        Add("<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:1400px;color:#111}table{border-collapse:collapse;margin:.5rem 0}"
            + "th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}td.n{text-align:right}"
            + ".discordance{border:1px solid #999;border-radius:6px;padding:.75rem;margin:1rem 0}.discordance img{width:384px;height:auto;image-rendering:pixelated;margin-right:.5rem;border:1px solid #444}"
            + ".note{color:#444}</style></head><body>");
        Add("<h1>Validation against the site's readings</h1>");
        Add($"<p>{report.Studies} studies analysed ({report.StudiesReported} reported); {report.Readings} readings by {report.Readers.Count} readers ({E(string.Join(", ", report.Readers))}). Reference: the readers' majority (ties: {E(report.Adjudicator ?? "none")}). Models: {E(string.Join(", ", report.Models))}.</p>");
        Add("<p class=\"note\">The reference models were trained on synthetic phantoms only; these figures are this site's own measure of them. Brackets: 95 % bootstrap confidence intervals over studies.</p>");
        Add("<h2>Agreement with the readers' majority</h2><table><thead><tr><th>finding</th><th>model</th><th>cases</th><th>weighted kappa</th><th>AUROC (moderate or worse)</th><th>exact</th><th>within one grade</th><th>reader vs reader</th></tr></thead><tbody>");
        foreach (var f in report.Findings.Select(f => f.AgainstMajority))
        {
            Add($"<tr><td>{E(f.Finding)}</td><td>{E(f.Model)}</td><td class=\"n\">{f.Cases}</td><td class=\"n\">{FI(f.LinearWeightedKappa, f.KappaInterval)}</td><td class=\"n\">{FI(f.AurocModerateOrWorse, f.AurocInterval)}</td><td class=\"n\">{FI(f.ExactAgreement, f.ExactInterval)}</td><td class=\"n\">{FI(f.WithinOneGrade, f.WithinOneInterval)}</td><td class=\"n\">{(f.Readers is { } r ? FI(r.MeanReaderVsReaderKappa, r.MeanReaderVsReaderInterval) : "n/a")}</td></tr>");
        }

        Add("</tbody></table>");
        Add($"<h2 id=\"discordances\">Discordant findings ({report.Discordances.Count})</h2>");
        Add("<p>Two grades or more apart from the readers' majority, or one grade apart across the moderate threshold.</p>");
        var number = 0;
        foreach (var d in report.Discordances)
        {
            var names = Figures.GradeNames(d.Scale);
            Add($"<section class=\"discordance\" id=\"d{++number}\"><h3>{number}. {E(d.Study)} &middot; {E(d.Level)} &middot; {E(d.Finding.Replace('_', ' '))}</h3>");
            Add($"<p>Platform: <strong>{E(names[d.Platform])}</strong> (P(moderate or worse) {E(Figures.Format(d.PlatformModerateOrWorse, "0.00"))}); majority: <strong>{E(names[d.Majority])}</strong>; readers: {E(string.Join(", ", d.Readers.Select(r => $"{r.Key} {names[r.Value]}")))}. {E(d.Why)}. StudyId {d.StudyId}.</p>");
            foreach (var (label, path) in new[] { ("overlay", d.Images?.Overlay), ("heat map", d.Images?.HeatMap) })
            {
                if (path is not null && File.Exists(Path.Combine(outputFolder, path)))
                {
                    Add($"<img alt=\"{E(label)} of {E(d.Level)} {E(d.Finding)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(Path.Combine(outputFolder, path)))}\">");
                }
            }

            Add("</section>");
        }

        List("Studies that failed (readings not scored)", report.FailedStudies.Select(f => $"{f.Study}: {f.Reason} ({f.ReadingsNotScored} readings)"));
        List("Levels graded by the readers, not by the platform (scored as a refusal)", report.NotAssessed.Select(l => $"{l.Study} {l.Level}: {l.Reason} ({l.Readings} readings)"));
        List("Readings that match no study", report.UnmatchedReadings.Select(u => $"{u.Study}: {u.Readings} readings, first on line {u.FirstLine}"));
        List("Studies without readings", report.StudiesWithoutReadings);
        List("Rows that could not be read", report.Problems);
        Add("</body></html>");
        return html.ToString();

        void List(string title, IEnumerable<string> items)
        {
            var list = items.ToList();
            Add($"<h2>{E(title)} ({list.Count})</h2>");
            Add(list.Count == 0 ? "<p>None.</p>" : "<ul>" + string.Concat(list.Select(i => $"<li>{E(i)}</li>")) + "</ul>");
        }
    }
}
