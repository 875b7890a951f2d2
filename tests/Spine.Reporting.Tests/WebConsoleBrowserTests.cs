using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>
/// The web console in Debian's Chromium (Playwright), signed in with an API key as the Basic password: the worklist
/// follows a study to Completed without a reload, the study viewer scrolls and toggles its layers (checked on the DOM
/// and on the screenshot's pixels), failures show their reason, and axe finds no serious or critical violation.
/// Screenshots are kept under the test output's TestResults/screenshots.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class WebConsoleBrowserTests(WebConsolePlatform console) : IClassFixture<WebConsolePlatform>
{
    private const float PageTimeoutMs = 240_000;

    [Fact]
    public async Task The_console_and_its_api_refuse_anonymous_callers_and_offer_basic_sign_in()
    {
        using var anonymous = await console.Platform.Anonymous!.GetAsync(console.Console);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var api = await console.Platform.Anonymous.GetAsync(new Uri(console.Console, "api/worklist"));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        using var wrong = await GetWithBasicAsync(console.Console, "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var signedIn = await GetWithBasicAsync(console.Console, EmbeddedPlatform.ApiKey);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("text/html", signedIn.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", signedIn.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slice_out_of_the_series_or_a_heat_map_of_no_finding_is_refused_with_the_reason()
    {
        using var outOfRange = await console.Platform.Http!.GetAsync(new Uri($"/console/api/studies/{console.Report.StudyId}/slices/9999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Contains("slices 0 to", await outOfRange.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badHeat = await console.Platform.Http.GetAsync(new Uri($"/console/api/studies/{console.Report.StudyId}/slices/0?heat=..%2F..%2Freport", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badHeat.StatusCode);
    }

    [Fact]
    public async Task The_worklist_shows_a_new_study_moving_to_completed_without_a_reload()
    {
        await using var session = await BrowserSession.OpenAsync(1280, 800);
        var page = session.Page;
        await page.GotoAsync(console.Console.ToString());
        await page.WaitForSelectorAsync("#worklist tbody tr[data-study]");

        var study = await console.ImportAsync(979797);
        var cell = page.Locator($"#worklist tr[data-study='{study}'] td[data-status]");
        await cell.WaitForAsync(new LocatorWaitForOptions { Timeout = PageTimeoutMs });
        var seen = new List<string> { await cell.GetAttributeAsync("data-status") ?? "" };
        await page.WaitForFunctionAsync($"() => document.querySelector(\"#worklist tr[data-study='{study}'] td[data-status]\")?.dataset.status === 'Completed'", null, new PageWaitForFunctionOptions { Timeout = PageTimeoutMs });
        seen.Add(await cell.GetAttributeAsync("data-status") ?? "");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = HeadlessChromium.ScreenshotPath("console-worklist.png"), FullPage = true });

        // The same document throughout: the row changed under the page's own polling, the page was never loaded again.
        Assert.NotEqual("Completed", seen[0]);
        Assert.Equal("Completed", seen[1]);
        Assert.Equal(1, await page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));
        var moderate = await page.Locator($"#worklist tr[data-study='{study}'] td").Nth(5).TextContentAsync();
        Assert.Matches(@"^\d+$", moderate);
    }

    [Fact]
    public async Task The_study_page_scrolls_the_series_and_toggles_the_segmentation_outline_and_a_findings_heat_map()
    {
        var view = JsonNode.Parse(await console.Platform.Http!.GetStringAsync(new Uri($"/console/api/studies/{console.Report.StudyId}", UriKind.Relative)))!;
        var finding = view["levels"]!.AsArray().SelectMany(l => l!["findings"]!.AsArray()).First(f => f!["kind"]!.GetValue<string>() == "ForaminalStenosis" && f["hasHeatMap"]!.GetValue<bool>())!;
        var heatSlice = finding["heatMapSlice"]!.GetValue<int>();

        await using var session = await BrowserSession.OpenAsync(1920, 1080);
        var page = session.Page;
        await page.GotoAsync($"{console.Console}#/studies/{console.Report.StudyId}");
        await page.WaitForSelectorAsync("#findings");
        Assert.Equal(console.Report.Levels.Count, await page.Locator("#findings tbody tr").CountAsync());
        Assert.Equal(console.Report.Levels.Sum(l => l.Findings.Count), await page.Locator("#findings tbody button[data-finding]").CountAsync());

        // Scrolling: the keyboard on the viewer moves one slice, the slider anywhere.
        var start = await ShownAsync(page, "outline", "true");
        await page.FocusAsync("#viewer");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal(start + 1, await ShownAsync(page, "slice", (start + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await page.Locator("#slice").FillAsync("0");
        await ShownAsync(page, "slice", "0");
        Assert.Contains("Slice 1 of", await page.TextContentAsync("#slice-where"), StringComparison.Ordinal);

        // The finding selected: the viewer goes to the image it was graded on; outline and heat map drawn or not.
        await page.ClickAsync($"button[data-finding='{finding["name"]!.GetValue<string>()}']");
        await ShownAsync(page, "slice", heatSlice.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("graded here", await page.TextContentAsync("#slice-where"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(await page.TextContentAsync("#finding-detail")));
        var withOutline = Coloured(await ImageAsync(page, "console-study-outline.png"));
        await page.UncheckAsync("#toggle-outline");
        await ShownAsync(page, "outline", "false");
        var plain = Coloured(await ImageAsync(page, "console-study-plain.png"));
        await page.CheckAsync("#toggle-heat");
        await ShownAsync(page, "heat", finding["name"]!.GetValue<string>());
        var withHeat = Coloured(await ImageAsync(page, "console-study-heat.png"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = HeadlessChromium.ScreenshotPath("console-study.png"), FullPage = true });

        Assert.True(withOutline > plain + 50, $"outline on: {withOutline} coloured pixels, off: {plain}");
        Assert.True(withHeat > plain + 200, $"heat map on: {withHeat} coloured pixels, off: {plain}");
        // The phantom's rows run toward the patient's left, as most axial series do: R at the left edge, L at the right.
        Assert.Equal("R", await page.TextContentAsync("#marker-left"));
        Assert.Equal("L", await page.TextContentAsync("#marker-right"));
    }

    [Fact]
    public async Task A_failed_study_is_listed_on_the_failures_page_with_its_stage_and_reason()
    {
        var study = await console.ImportAsync(989898, withoutAxialT2: true);
        var failed = await console.Platform.WaitForAsync<StudyFailed>(m => m.StudyId == study, seconds: 180);

        await using var session = await BrowserSession.OpenAsync(1280, 800);
        var page = session.Page;
        await page.GotoAsync($"{console.Console}#/failures");
        var row = page.Locator($"#failures tr[data-study='{study}']");
        await row.WaitForAsync();
        var text = await row.TextContentAsync();
        Assert.Contains("failed", text, StringComparison.Ordinal);
        Assert.Contains(failed.Stage.ToString(), text, StringComparison.Ordinal);
        Assert.Contains(failed.Code, text, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = HeadlessChromium.ScreenshotPath("console-failures.png"), FullPage = true });
    }

    [Fact]
    public async Task A_study_failed_for_lost_label_maps_runs_again_to_completed_from_the_console_and_a_reader_cannot_rerun_it()
    {
        var study = await console.ImportAsync(999999);
        var first = (await console.Platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study, seconds: 180)).Report;

        // The label maps lost from storage, then a re-run from classification: it cannot read them, gives up, fails.
        var store = console.Platform.Service<IObjectStore>();
        foreach (var level in first.Levels)
        {
            await store.DeleteAsync(level.Slices.LabelMap!.Key);
        }

        using (var rerun = await RerunAsync(EmbeddedPlatform.ApiKey, study, "classification"))
        {
            Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        }

        var failed = await console.Platform.WaitForAsync<StudyFailed>(m => m.StudyId == study, seconds: 180);
        Assert.Equal(PipelineStage.Classification, failed.Stage);

        // The API says why it refuses: a form's content type, a reader, a stage never reached by another study.
        using (var form = await console.Platform.Http!.PostAsync(new Uri($"/studies/{study}/rerun", UriKind.Relative), new StringContent("from=segmentation", Encoding.UTF8, "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        }

        using (var reader = await RerunAsync(WebConsolePlatform.ReaderKey, study, "segmentation"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        }

        // The reader sees the failure and its reason on the console, and is refused the re-run.
        await using (var session = await BrowserSession.OpenAsync(1280, 800, WebConsolePlatform.ReaderKey))
        {
            var page = session.Page;
            await page.GotoAsync($"{console.Console}#/failures");
            var row = page.Locator($"#failures tr[data-study='{study}']");
            await row.WaitForAsync();
            Assert.Contains(failed.Code, await row.TextContentAsync(), StringComparison.Ordinal);
            await page.SelectOptionAsync($"select[data-rerun-stage='{study}']", "Segmentation");
            await row.Locator("button[type=submit]").ClickAsync();
            await page.WaitForFunctionAsync($"() => document.querySelector(\"[data-rerun-outcome='{study}']\").textContent.startsWith('Refused (403)')");
        }

        Assert.Equal("Failed", (await console.Platform.Service<IStudyLedger>().FindAsync(study))!.Status.ToString());

        // The operator re-runs it from segmentation, which makes the label maps again: the study completes.
        await using (var session = await BrowserSession.OpenAsync(1280, 800, EmbeddedPlatform.ApiKey))
        {
            var page = session.Page;
            await page.GotoAsync($"{console.Console}#/failures");
            await page.SelectOptionAsync($"select[data-rerun-stage='{study}']", "Segmentation");
            await page.Locator($"#failures tr[data-study='{study}'] button[type=submit]").ClickAsync();
            await page.WaitForFunctionAsync($"() => document.querySelector(\"[data-rerun-outcome='{study}']\").textContent.includes('queued')");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = HeadlessChromium.ScreenshotPath("console-rerun.png"), FullPage = true });
        }

        var second = await console.Platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study && m.Report.GeneratedAt > first.GeneratedAt, seconds: 180);
        var record = (await console.Platform.Service<IStudyLedger>().FindAsync(study))!;
        Assert.Equal("Completed", record.Status.ToString());
        Assert.Contains(record.Transitions, t => t.Outcome == StageOutcome.Rerun && t.Stage == PipelineStage.Segmentation && t.Detail!.Contains("requested by tests", StringComparison.Ordinal));
        Assert.Equal(first.Levels.Select(l => l.Findings.Select(f => f.Grade)).SelectMany(g => g), second.Report.Levels.Select(l => l.Findings.Select(f => f.Grade)).SelectMany(g => g));
    }

    [Fact]
    public async Task An_export_that_gave_up_while_the_pacs_was_down_is_shown_and_an_operator_resends_it_once_the_pacs_is_up()
    {
        var study = console.Report.StudyId;
        var exportStatus = $"/console/api/studies/{study}";
        // The bus's retries and redelivery of the export are over once the attempts have stopped for a while (they
        // come within a second of each other here): then only the operator's resend can send it.
        JsonNode? row = null;
        var (previous, unchanged) = (-1, 0);
        for (var wait = 0; wait < 240 && unchanged < 4; wait++)
        {
            await Task.Delay(500);
            row = JsonNode.Parse(await console.Platform.Http!.GetStringAsync(new Uri(exportStatus, UriKind.Relative)))!["exports"]!.AsArray().Single(e => e!["destination"]!.GetValue<string>() == WebConsolePlatform.Pacs);
            var attempts = row!["attempts"]!.GetValue<int>();
            (previous, unchanged) = (attempts, attempts > 0 && attempts == previous ? unchanged + 1 : 0);
        }

        Assert.Equal("gave up", row!["status"]!.GetValue<string>());
        Assert.StartsWith(nameof(Spine.Dicom.Network.DicomNetworkException), row["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        using (var readerClient = console.Platform.Client(WebConsolePlatform.ReaderKey))
        using (var reader = await readerClient.PostAsync(new Uri($"/studies/{study}/export", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        }

        using (var unknown = await console.Platform.Http!.PostAsync(new Uri($"/studies/{study}/export", UriKind.Relative), new StringContent("{\"destination\":\"nowhere\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }

        await using var orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>());
        console.PacsGate.Open(orthanc.DicomPort);
        await using var session = await BrowserSession.OpenAsync(1280, 800);
        var page = session.Page;
        await page.GotoAsync($"{console.Console}#/studies/{study}");
        var status = page.Locator($"#exports tr[data-destination='{WebConsolePlatform.Pacs}'] td[data-export-status]");
        Assert.Equal("gave up", await status.TextContentAsync());
        await page.ClickAsync($"button[data-resend='{WebConsolePlatform.Pacs}']");
        await page.WaitForFunctionAsync($"() => document.querySelector(\"#exports tr[data-destination='{WebConsolePlatform.Pacs}'] td[data-export-status]\")?.textContent === 'stored'", null, new PageWaitForFunctionOptions { Timeout = PageTimeoutMs });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = HeadlessChromium.ScreenshotPath("console-export.png"), FullPage = true });

        // The PACS holds the study's result objects: the SR, the SEG, the PDF and one Secondary Capture per finding.
        var received = (await orthanc.InstanceFilesAsync()).Select(bytes => Spine.Dicom.DicomFile.Read(bytes).Dataset)
            .Where(d => d.GetString(Spine.Dicom.DicomTags.StudyInstanceUid) == console.Report.StudyInstanceUid).ToList();
        Assert.Equal(console.Report.Levels.Sum(l => l.Findings.Count) + 3, received.Count);
    }

    [Theory]
    [InlineData("", 1280, 800)]
    [InlineData("#/failures", 1280, 800)]
    [InlineData("#/studies/{study}", 1280, 800)]
    [InlineData("#/studies/{study}", 1920, 1080)]
    public async Task Axe_finds_no_serious_or_critical_accessibility_violation_and_nothing_overflows_the_screen(string route, int width, int height)
    {
        await using var session = await BrowserSession.OpenAsync(width, height);
        var page = session.Page;
        await page.GotoAsync(console.Console + route.Replace("{study}", console.Report.StudyId.ToString(), StringComparison.Ordinal));
        await page.WaitForSelectorAsync("main h1");
        if (route.Contains("studies", StringComparison.Ordinal))
        {
            await ShownAsync(page, "outline", "true");
        }

        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join('\n', serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}")));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
    }

    /// <summary>Waits until the viewer's image has loaded with the given state and returns the slice it shows.</summary>
    private static async Task<int> ShownAsync(IPage page, string attribute, string value)
    {
        await page.WaitForFunctionAsync(
            $"() => {{ const i = document.getElementById('slice-image'); return i && i.dataset.{attribute} === '{value}' && i.complete && i.naturalWidth > 0; }}",
            null, new PageWaitForFunctionOptions { Timeout = PageTimeoutMs });
        return int.Parse(await page.GetAttributeAsync("#slice-image", "data-slice") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<(int Width, int Height, byte[] Rgb)> ImageAsync(IPage page, string screenshot) =>
        Png.DecodeRgb(await page.Locator("#slice-image").ScreenshotAsync(new LocatorScreenshotOptions { Path = HeadlessChromium.ScreenshotPath(screenshot) }));

    /// <summary>Pixels with colour in them: the images are grey, the outline and heat map are not.</summary>
    private static int Coloured((int Width, int Height, byte[] Rgb) image)
    {
        var count = 0;
        for (var p = 0; p < image.Width * image.Height; p++)
        {
            var (r, g, b) = (image.Rgb[3 * p], image.Rgb[(3 * p) + 1], image.Rgb[(3 * p) + 2]);
            if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 60)
            {
                count++;
            }
        }

        return count;
    }

    private async Task<HttpResponseMessage> RerunAsync(string key, Guid study, string from)
    {
        using var client = console.Platform.Client(key);
        return await client.PostAsync(new Uri($"/studies/{study}/rerun", UriKind.Relative), new StringContent($"{{\"from\":\"{from}\"}}", Encoding.UTF8, "application/json"));
    }

    private async Task<HttpResponseMessage> GetWithBasicAsync(Uri uri, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("radiologist:" + key)));
        return await console.Platform.Anonymous!.SendAsync(request);
    }

    /// <summary>A browser, a context signed in with the platform's key, and a page of the given size.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private IPlaywright _playwright = null!;
        private IBrowser _browser = null!;

        public IPage Page { get; private set; } = null!;

        public static async Task<BrowserSession> OpenAsync(int width, int height, string key = EmbeddedPlatform.ApiKey)
        {
            var session = new BrowserSession();
            (session._playwright, session._browser) = await HeadlessChromium.LaunchAsync();
            var context = await session._browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
                HttpCredentials = new HttpCredentials { Username = "radiologist", Password = key },
            });
            session.Page = await context.NewPageAsync();
            return session;
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
