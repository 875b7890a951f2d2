using System.Globalization;
using Spine.Imaging;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>The PDF report, read back by poppler's pdftotext, pdfimages and pdftoppm.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class ReportPdfTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-pdf-").FullName;

    // A 107x149 overlay, the size the explanation stage makes them.
    private static readonly byte[] OverlayPng = Png.Encode(107, 149, Enumerable.Range(0, 107 * 149 * 3).Select(i => (byte)(i % 251)).ToArray());

    private async Task<string> RenderAsync()
    {
        var path = Path.Combine(_folder, "report.pdf");
        await File.WriteAllBytesAsync(path, ReportPdf.Render(SampleReports.Report(), reference => reference.Key == "overlay.png" ? OverlayPng : null));
        return path;
    }

    [Fact]
    public async Task Every_page_carries_the_disclaimer_and_the_first_the_impression()
    {
        var pdf = await RenderAsync();

        var (exit, text) = await ExternalTool.RunAsync("pdftotext", ["-layout", pdf, "-"]);

        Assert.True(exit == 0, text);
        var pages = text.Split('\f', StringSplitOptions.RemoveEmptyEntries).Where(p => p.Trim().Length > 0).ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.Contains("Not for clinical use.", page, StringComparison.Ordinal));
        Assert.Contains("Moderate or worse findings at L4-L5 (severe central canal stenosis,", pages[0], StringComparison.Ordinal);
        Assert.Contains("Read on series 3, image 14 (slice position -112.4 mm).", text, StringComparison.Ordinal);
        Assert.Contains("overlay not available", text, StringComparison.Ordinal);
        Assert.Contains("Lee et al. 2011", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overlay_is_shown_at_least_320_pixels_wide_at_96_dpi_and_the_pages_render()
    {
        var pdf = await RenderAsync();

        // pdfimages lists each image with its pixel size and resolution on the page: its shown width is pixels / ppi inches.
        var (exit, list) = await ExternalTool.RunAsync("pdfimages", ["-list", pdf]);
        Assert.True(exit == 0, list);
        var row = Assert.Single(list.Split('\n').Skip(2), l => l.Trim().Length > 0).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (width, xPpi) = (int.Parse(row[3], CultureInfo.InvariantCulture), int.Parse(row[12], CultureInfo.InvariantCulture));
        Assert.Equal(107, width);
        Assert.True(width * 96.0 / xPpi >= 320, $"the overlay is shown {width * 96.0 / xPpi:0} pixels wide at 96 dpi");

        var (rendered, output) = await ExternalTool.RunAsync("pdftoppm", ["-png", "-r", "96", pdf, Path.Combine(_folder, "page")]);
        Assert.True(rendered == 0, output);
        var first = Png.Decode(await File.ReadAllBytesAsync(Directory.GetFiles(_folder, "page*.png").Order(StringComparer.Ordinal).First()));
        Assert.Equal(794, first.Width); // A4 at 96 dpi
    }

    [Fact]
    public async Task Dciodvfy_finds_no_error_in_the_encapsulated_pdf_and_it_holds_the_pdf_whole()
    {
        var report = SampleReports.Report();
        var pdf = await File.ReadAllBytesAsync(await RenderAsync());
        var identity = new Spine.Dicom.StudyIdentity
        {
            PatientName = "Phantom^Lumbar", PatientId = "PHANTOM-1", StudyInstanceUid = report.StudyInstanceUid,
            StudyDateTime = new DateTime(2026, 11, 28, 9, 30, 0, DateTimeKind.Unspecified),
        };
        var path = Path.Combine(_folder, "report.dcm");
        await File.WriteAllBytesAsync(path, ResultObjects.EncapsulatedPdf(report, identity, pdf));

        var (_, output) = await ExternalTool.RunAsync("dciodvfy", [path]);

        Assert.Contains("EncapsulatedPDF", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("Error", StringComparison.Ordinal));
        var read = Spine.Dicom.DicomFile.Read(await File.ReadAllBytesAsync(path)).Dataset;
        Assert.Equal(pdf, read.GetElement(new Spine.Dicom.DicomTag(0x0042, 0x0011))!.Value.ToArray()[..pdf.Length]);
        Assert.Equal(ResultObjects.EncapsulatedPdf(report, identity, pdf), await File.ReadAllBytesAsync(path)); // same report, same object and UIDs
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
