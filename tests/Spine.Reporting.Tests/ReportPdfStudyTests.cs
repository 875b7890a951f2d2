using Spine.Imaging;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>The PDF of a phantom study as poppler renders it: the impression on the first page, the overlays with their R and L markers.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(ReportedPhantomStudyCollection.Name)]
public sealed class ReportPdfStudyTests(ReportedPhantomStudy study)
{
    [Fact]
    public async Task Pdftoppm_renders_the_impression_and_the_overlays_carry_r_and_l_markers()
    {
        var folder = Directory.CreateTempSubdirectory("spine-pdf-study-").FullName;
        var pdf = Path.Combine(folder, "report.pdf");
        using (var response = await study.Platform.Http!.GetAsync(new Uri($"/studies/{study.Report.StudyId}/report?format=pdf", UriKind.Relative)))
        {
            await File.WriteAllBytesAsync(pdf, await response.Content.ReadAsByteArrayAsync());
        }

        var (_, text) = await ExternalTool.RunAsync("pdftotext", ["-f", "1", "-l", "1", pdf, "-"]);
        Assert.Contains(ReportText.Impression(study.Report)[..40], text.ReplaceLineEndings(" "), StringComparison.Ordinal);
        var (rendered, output) = await ExternalTool.RunAsync("pdftoppm", ["-png", "-r", "96", "-f", "2", "-l", "2", pdf, Path.Combine(folder, "page")]);
        Assert.True(rendered == 0, output);
        File.Copy(Directory.GetFiles(folder, "page*.png").Single(), HeadlessChromium.ScreenshotPath("report-pdf-page-2.png"), overwrite: true);

        // The first overlay as embedded: R in its left band and L in its right band (white marker pixels at mid height).
        var (extracted, listing) = await ExternalTool.RunAsync("pdfimages", ["-png", "-f", "1", "-l", "3", pdf, Path.Combine(folder, "image")]);
        Assert.True(extracted == 0, listing);
        var (width, height, rgb) = Png.DecodeRgb(await File.ReadAllBytesAsync(Directory.GetFiles(folder, "image*.png").Order(StringComparer.Ordinal).First()));
        int WhiteIn(int x0, int x1) => Enumerable.Range(height / 3, height / 3)
            .Sum(y => Enumerable.Range(x0, x1 - x0).Count(x => rgb[3 * ((y * width) + x)] == 255 && rgb[(3 * ((y * width) + x)) + 1] == 255 && rgb[(3 * ((y * width) + x)) + 2] == 255));
        Assert.True(width >= 320, $"overlay {width} pixels wide");
        Assert.True(WhiteIn(0, width / 12) > 20, "no R marker at the left edge");
        Assert.True(WhiteIn(width - (width / 12), width) > 20, "no L marker at the right edge");
    }
}
