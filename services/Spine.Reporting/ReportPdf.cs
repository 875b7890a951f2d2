using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Spine.Contracts.V1;

namespace Spine.Reporting;

/// <summary>
/// The report as a PDF (A4, PDFsharp), for the places that take a document rather than a page or a DICOM object: the
/// same content as the HTML page (impression, summary, grading systems, where each level was read, measurements,
/// grades with probabilities and rationale, overlays 260 points wide, models), the disclaimer at the foot of every
/// page. Text is set in DejaVu Sans, read from the system's fonts (Debian: fonts-dejavu-core).
/// </summary>
public static class ReportPdf
{
    private const double Margin = 50;
    private const double OverlayWidth = 260;
    private static readonly Lock FontLock = new();

    /// <summary>Whether the fonts the PDF is set in are installed.</summary>
    public static bool FontsAvailable => DejaVuFonts.Folder is not null;

    /// <param name="images">PNG bytes of an overlay, or null when it cannot be read (the document says so).</param>
    public static byte[] Render(StudyReport report, Func<ObjectRef, byte[]?> images)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(images);
        UseDejaVu();
        using var document = new PdfDocument();
        document.Info.Title = $"Spine report {report.StudyId}";
        document.Info.Creator = "Spine Platform";
        var writer = new PageWriter(document, report.Disclaimer);
        writer.Heading("Lumbar spine MRI: automated reading", 16);
        writer.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Study {report.StudyId}, generated {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC."));
        writer.Boxed(report.Disclaimer);
        writer.Heading("Impression", 13);
        writer.Paragraph(ReportText.Impression(report), bold: true);
        writer.Heading("Summary", 13);
        foreach (var level in report.Levels)
        {
            writer.Paragraph(level.NotAssessableReason is { } reason
                ? $"{level.Level.Name()}: not assessable ({reason})"
                : $"{level.Level.Name()}: " + string.Join("; ", level.Findings.Select(f => string.Create(CultureInfo.InvariantCulture,
                    $"{ResultObjects.Describe(f)} {ResultObjects.GradeName(f.Grade)} (P moderate or worse {f.SignificantProbability:0.00})"))));
        }

        writer.Heading("Grading systems", 13);
        foreach (var kind in new[] { FindingKind.CentralCanalStenosis, FindingKind.ForaminalStenosis, FindingKind.FacetArthropathy })
        {
            writer.Paragraph(ReportText.GradingSystem(kind));
        }

        var seriesNumber = report.Series?.FirstOrDefault(s => s.Used)?.SeriesNumber;
        foreach (var level in report.Levels)
        {
            writer.Heading(level.Level.Name(), 13);
            if (level.ReadOn is { } readOn)
            {
                writer.Paragraph($"Read on {ReportText.Where(readOn, seriesNumber)}.");
            }

            if (level.NotAssessableReason is { } reason)
            {
                writer.Paragraph($"Not assessable: {reason}. Nothing is graded at this level; it must be read without the platform.");
                continue;
            }

            writer.Paragraph(string.Join("; ", level.Measurements.Select(ReportText.Measurement)));
            foreach (var finding in level.Findings)
            {
                writer.Heading($"{ResultObjects.Describe(finding)}: {ResultObjects.GradeName(finding.Grade)}", 11);
                writer.Paragraph("Probabilities " + string.Join(", ", finding.GradeProbabilities.Select((p, g) => string.Create(CultureInfo.InvariantCulture, $"{ResultObjects.GradeName(g)} {p:0.00}")))
                    + $"; graded by {finding.Model.Name} {finding.Model.Version} on the {ReportText.GradingSystemName(finding.Kind)} scale.");
                if (finding.Explanation is { } explanation)
                {
                    writer.Paragraph(explanation.Rationale);
                    if (explanation.Overlay is { } overlay)
                    {
                        if (images(overlay) is { } png)
                        {
                            writer.Image(png, OverlayWidth);
                        }
                        else
                        {
                            writer.Paragraph("(overlay not available)");
                        }
                    }
                }
            }
        }

        writer.Heading("Models", 13);
        foreach (var model in report.Models)
        {
            writer.Paragraph($"{model.Name} {model.Version}: {model.TrainingData}");
        }

        writer.Finish();
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void UseDejaVu()
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not DejaVuFonts)
            {
                GlobalFontSettings.FontResolver = new DejaVuFonts();
            }
        }
    }

    /// <summary>Lays text and pictures down the page, starting a new page (with the disclaimer at its foot) when one is full.</summary>
    private sealed class PageWriter(PdfDocument document, string disclaimer)
    {
        private readonly XFont _footerFont = new(DejaVuFonts.Family, 7, XFontStyleEx.Italic);
        private PdfPage? _page;
        private XGraphics? _graphics;
        private double _y;

        private XGraphics Graphics => _graphics ?? NewPage();

        private double Width => _page!.Width.Point - (2 * Margin);

        private double Bottom => _page!.Height.Point - Margin - 30;

        public void Heading(string text, double size) => Lines(text, new XFont(DejaVuFonts.Family, size, XFontStyleEx.Bold), spaceBefore: size * 0.6);

        public void Paragraph(string text, bool bold = false) => Lines(text, new XFont(DejaVuFonts.Family, 9.5, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular), spaceBefore: 3);

        public void Boxed(string text)
        {
            var font = new XFont(DejaVuFonts.Family, 9.5, XFontStyleEx.Bold);
            var lines = Wrap(Graphics, text, font, Width - 12);
            var height = (lines.Count * font.Height * 1.2) + 10;
            EnsureRoom(height + 6);
            _y += 6;
            Graphics.DrawRectangle(new XPen(XColor.FromArgb(183, 28, 28), 1.5), Margin, _y, Width, height);
            var y = _y + 5;
            foreach (var line in lines)
            {
                Graphics.DrawString(line, font, XBrushes.Black, new XRect(Margin + 6, y, Width - 12, font.Height), XStringFormats.TopLeft);
                y += font.Height * 1.2;
            }

            _y += height;
        }

        public void Image(byte[] png, double width)
        {
            using var stream = new MemoryStream(png, writable: false);
            using var image = XImage.FromStream(stream);
            var height = width * image.PixelHeight / Math.Max(1, image.PixelWidth);
            EnsureRoom(height + 6);
            _y += 4;
            Graphics.DrawImage(image, Margin, _y, width, height);
            _y += height + 2;
        }

        public void Finish()
        {
            _graphics?.Dispose();
            _graphics = null;
        }

        private void Lines(string text, XFont font, double spaceBefore)
        {
            var lines = Wrap(Graphics, text, font, Width);
            EnsureRoom(spaceBefore + (font.Height * 1.2 * Math.Min(lines.Count, 2)));
            _y += spaceBefore;
            foreach (var line in lines)
            {
                EnsureRoom(font.Height * 1.2);
                Graphics.DrawString(line, font, XBrushes.Black, new XRect(Margin, _y, Width, font.Height), XStringFormats.TopLeft);
                _y += font.Height * 1.2;
            }
        }

        private void EnsureRoom(double height)
        {
            if (_graphics is null || _y + height > Bottom)
            {
                NewPage();
            }
        }

        private XGraphics NewPage()
        {
            _graphics?.Dispose();
            _page = document.AddPage();
            _page.Size = PdfSharp.PageSize.A4;
            _graphics = XGraphics.FromPdfPage(_page);
            // The disclaimer at the foot of every page: a page printed alone still says what the reading is.
            var footer = Wrap(_graphics, disclaimer, _footerFont, Width);
            var y = _page.Height.Point - Margin - 20;
            foreach (var line in footer)
            {
                _graphics.DrawString(line, _footerFont, XBrushes.DarkRed, new XRect(Margin, y, Width, _footerFont.Height), XStringFormats.TopLeft);
                y += _footerFont.Height * 1.1;
            }

            _y = Margin;
            return _graphics;
        }

        private static List<string> Wrap(XGraphics graphics, string text, XFont font, double width)
        {
            var lines = new List<string>();
            var line = string.Empty;
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && graphics.MeasureString(candidate, font).Width > width)
                {
                    lines.Add(line);
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            if (line.Length > 0)
            {
                lines.Add(line);
            }

            return lines;
        }
    }

    /// <summary>DejaVu Sans from the system's fonts, the one family the report is set in (PDFsharp finds no fonts by itself on Linux).</summary>
    private sealed class DejaVuFonts : IFontResolver
    {
        public const string Family = "DejaVu Sans";

        private static readonly string[] Folders = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu"];

        public static string? Folder { get; } = Folders.FirstOrDefault(f => File.Exists(Path.Combine(f, "DejaVuSans.ttf")));

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new((bold, italic) switch
            {
                (true, true) => "DejaVuSans-BoldOblique",
                (true, false) => "DejaVuSans-Bold",
                (false, true) => "DejaVuSans-Oblique",
                _ => "DejaVuSans",
            });

        public byte[]? GetFont(string faceName)
        {
            var folder = Folder ?? throw new InvalidOperationException($"the PDF report is set in DejaVu Sans, not found in {string.Join(", ", Folders)} (Debian: apt-get install fonts-dejavu-core).");
            var path = Path.Combine(folder, faceName + ".ttf");
            return File.Exists(path) ? File.ReadAllBytes(path) : File.ReadAllBytes(Path.Combine(folder, "DejaVuSans.ttf"));
        }
    }
}
