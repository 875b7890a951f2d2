using Microsoft.Playwright;
using Spine.Imaging;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>The HTML report as a radiologist's browser shows it: headless Chromium at 1280x800, screenshots kept as test output.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(ReportedPhantomStudyCollection.Name)]
public sealed class ReportHtmlBrowserTests(ReportedPhantomStudy study)
{
    [Fact]
    public async Task Chromium_shows_the_impression_and_every_overlay_at_least_320_pixels_wide_with_r_and_l_markers()
    {
        using var response = await study.Platform.Http!.GetAsync(new Uri($"/studies/{study.Report.StudyId}/report?format=html", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        var (playwright, browser) = await HeadlessChromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.SetContentAsync(html);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = HeadlessChromium.ScreenshotPath("report-full.png"), FullPage = true });

        Assert.True(await page.GetByText(ReportText.Impression(study.Report)).IsVisibleAsync());
        var overlays = await page.Locator("img").AllAsync();
        Assert.Equal(study.Report.Levels.Sum(l => l.Findings.Count(f => f.Explanation?.Overlay is not null)), overlays.Count);
        foreach (var overlay in overlays)
        {
            var box = (await overlay.BoundingBoxAsync())!;
            Assert.True(box.Width >= 320, $"an overlay shown {box.Width} pixels wide");
            Assert.True(await overlay.EvaluateAsync<int>("img => img.naturalWidth") >= 320);
        }

        // The first overlay as shown: the R marker's white pixels in its left band, the L marker's in its right band, at mid height.
        var first = overlays[0];
        await first.ScrollIntoViewIfNeededAsync();
        var (width, height, rgb) = Png.DecodeRgb(await first.ScreenshotAsync(new LocatorScreenshotOptions { Path = HeadlessChromium.ScreenshotPath("report-overlay.png") }));
        int WhiteIn(int x0, int x1) => Enumerable.Range(height / 3, height / 3)
            .Sum(y => Enumerable.Range(x0, x1 - x0).Count(x => rgb[3 * ((y * width) + x)] > 240 && rgb[(3 * ((y * width) + x)) + 1] > 240 && rgb[(3 * ((y * width) + x)) + 2] > 240));
        Assert.True(WhiteIn(0, width / 12) > 20, "no R marker at the left edge");
        Assert.True(WhiteIn(width - (width / 12), width) > 20, "no L marker at the right edge");
    }
}
