using System.Globalization;
using System.Text;

namespace Spine.Evaluation.Validation;

/// <summary>The validation as Markdown: the agreement table, readers beside the platform, then every discordant finding and everything not scored.</summary>
public static class ValidationMarkdown
{
    public static string Write(ValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        string FI(double? value, Interval? interval) => Figures.WithInterval(value, interval);
        string Count(int n, string what) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? what : what == "study" ? "studies" : what + "s")}");

        Line("# Validation against the site's readings");
        Line();
        Line($"{Count(report.Studies, "study")} analysed ({report.StudiesReported} reported), {Count(report.Readings, "reading")} by {Count(report.Readers.Count, "reader")} ({string.Join(", ", report.Readers)}); ties between readers broken by {report.Adjudicator ?? "nobody"}. Models: {string.Join(", ", report.Models)}.");
        Line($"Reference: the readers' majority. Brackets: 95 % confidence intervals, percentile bootstrap over studies ({report.BootstrapReplicates} replicates).");
        Line("The reference models were trained on synthetic phantoms only; these figures are this site's own measure of them.");
        Line();
        Line("## Agreement with the readers' majority");
        Line();
        Line("| finding | model | scale | cases | weighted kappa | AUROC (moderate or worse) | exact | within one grade | calibration error | RSNA log loss |");
        Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var f in report.Findings.Select(f => f.AgainstMajority))
        {
            Line($"| {f.Finding} | {f.Model} | {f.Classes} | {f.Cases} | {FI(f.LinearWeightedKappa, f.KappaInterval)} | {FI(f.AurocModerateOrWorse, f.AurocInterval)} | {FI(f.ExactAgreement, f.ExactInterval)} | {FI(f.WithinOneGrade, f.WithinOneInterval)} | {FI(f.ExpectedCalibrationError, f.CalibrationInterval)} | {FI(f.RsnaLogLoss, f.RsnaInterval)} |");
        }

        Line();
        Line("## Against each reader, and readers against each other");
        Line();
        Line("A model cannot be expected to agree with a reader better than the readers agree with each other (the published reader-vs-reader weighted kappa of the seed paper: 0.74 to 0.86).");
        Line();
        Line("| finding | reader | cases | weighted kappa | AUROC | exact | within one grade |");
        Line("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var finding in report.Findings)
        {
            foreach (var (reader, f) in finding.PerReader.Select(r => (r.Reader, r.Scores)))
            {
                Line($"| {f.Finding} | {reader} | {f.Cases} | {FI(f.LinearWeightedKappa, f.KappaInterval)} | {FI(f.AurocModerateOrWorse, f.AurocInterval)} | {FI(f.ExactAgreement, f.ExactInterval)} | {FI(f.WithinOneGrade, f.WithinOneInterval)} |");
            }
        }

        Line();
        Line("| finding | reader vs reader, mean weighted kappa | pairs | platform vs reader, mean |");
        Line("| --- | ---: | --- | ---: |");
        foreach (var f in report.Findings.Select(f => f.AgainstMajority).Where(f => f.Readers is not null))
        {
            var r = f.Readers!;
            Line($"| {f.Finding} | {FI(r.MeanReaderVsReaderKappa, r.MeanReaderVsReaderInterval)} | {string.Join(", ", r.ReaderVsReaderKappa.Select(k => Figures.Format(k)))} | {FI(r.MeanModelVsReaderKappa, r.MeanModelVsReaderInterval)} |");
        }

        Line();
        Line("(Reader pairs count only findings every reader graded.)");
        if (report.Rsna is { } rsna)
        {
            Line();
            Line($"RSNA 2024 metric on the conditions the platform grades: spinal canal {FI(rsna.SpinalCanal, rsna.SpinalCanalInterval)}, neural foramen {FI(rsna.NeuralForamen, rsna.NeuralForamenInterval)}, any severe spinal stenosis {Figures.Format(rsna.AnySevereSpinal)}." +
                (report.NotGraded is { Count: > 0 } notGraded ? $" Not graded by the platform: {string.Join(", ", notGraded)}." : string.Empty));
        }

        foreach (var f in report.Findings.Select(f => f.AgainstMajority))
        {
            Line();
            Line($"Confusion matrix, {f.Finding} (rows: majority, columns: platform):");
            Line();
            EvaluationMarkdown.ConfusionMatrix(md, f);
        }

        Line();
        Line($"## Discordant findings ({report.Discordances.Count})");
        Line();
        Line("Two grades or more apart, or one grade apart across the moderate threshold.");
        Line();
        Line("| study | level | finding | platform | majority | readers | P(moderate or worse) | why | overlay | heat map |");
        Line("| --- | --- | --- | --- | --- | --- | ---: | --- | --- | --- |");
        foreach (var d in report.Discordances)
        {
            var names = Figures.GradeNames(d.Scale);
            Line($"| {d.Study} | {d.Level} | {d.Finding} | {names[d.Platform]} | {names[d.Majority]} | {string.Join(", ", d.Readers.Select(r => $"{r.Key}: {names[r.Value]}"))} | {Figures.Format(d.PlatformModerateOrWorse, "0.00")} | {d.Why} | {Link("overlay", d.Images?.Overlay)} | {Link("heat map", d.Images?.HeatMap)} |");
        }

        Section("Studies that failed (their readings not scored)", report.FailedStudies.Select(f => $"{f.Study} (StudyId {f.StudyId}): {f.Reason}; {Count(f.ReadingsNotScored, "reading")} not scored"));
        Section("Levels the readers graded and the platform did not (scored as the platform's refusal: normal, no confidence)", report.NotAssessed.Select(l => $"{l.Study} {l.Level}: {l.Reason} ({Count(l.Readings, "reading")})"));
        Section("Readings that match no study", report.UnmatchedReadings.Select(u => $"{u.Study}: {Count(u.Readings, "reading")}, first on line {u.FirstLine}"));
        Section("Studies without readings", report.StudiesWithoutReadings);
        Section("Rows of the readings that could not be read", report.Problems);
        return md.ToString();

        void Section(string title, IEnumerable<string> items)
        {
            var list = items.ToList();
            Line();
            Line($"## {title} ({list.Count})");
            Line();
            foreach (var item in list)
            {
                Line($"- {item}");
            }

            if (list.Count == 0)
            {
                Line("None.");
            }
        }

        static string Link(string text, string? path) => path is null ? "-" : $"[{text}]({path})";
    }
}
