using System.Net;
using System.Text.Json.Nodes;
using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Ledger;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>The reporting service's studies API over HTTP, on what the six services stored for a phantom study.</summary>
public sealed class StudiesApiTests : IAsyncLifetime
{
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, EmbeddedPlatform.Record<StudyReportPublished>, web: true);

    [Fact]
    public async Task Studies_api_lists_the_study_its_stages_and_serves_its_report_as_json_html_and_pdf()
    {
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 515151, Distractors = false }), Path.Combine(_platform.Root, "in"));
        var imported = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));
        await _platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == imported.StudyId, seconds: 120);
        await _platform.WaitForLedgerAsync(imported.StudyId, StudyStatus.Completed);
        var http = _platform.Http!;

        var studies = JsonNode.Parse(await http.GetStringAsync(new Uri("/studies", UriKind.Relative)))!.AsArray();
        var study = Assert.Single(studies)!;
        Assert.Equal("Completed", study["status"]!.GetValue<string>());
        var id = study["studyId"]!.GetValue<string>();
        Assert.Equal(imported.StudyId, Guid.Parse(id));

        var detail = JsonNode.Parse(await http.GetStringAsync(new Uri($"/studies/{id}", UriKind.Relative)))!;
        var stages = detail["transitions"]!.AsArray().Where(t => t!["outcome"]!.GetValue<string>() == "Completed").Select(t => t!["stage"]!.GetValue<string>()).ToList();
        Assert.Equal(["Ingestion", "Preprocessing", "Segmentation", "Classification", "Explanation", "Reporting"], stages);

        var report = JsonNode.Parse(await http.GetStringAsync(new Uri($"/studies/{id}/report", UriKind.Relative)))!;
        Assert.Equal(5, report["levels"]!.AsArray().Count);
        using var html = await http.GetAsync(new Uri($"/studies/{id}/report?format=html", UriKind.Relative));
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<h2>Summary</h2>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-store", html.Headers.CacheControl!.ToString());
        Assert.Equal("nosniff", Assert.Single(html.Headers.GetValues("X-Content-Type-Options")));
        Assert.StartsWith("default-src 'none'", Assert.Single(html.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        using var pdfRequest = new HttpRequestMessage(HttpMethod.Get, new Uri($"/studies/{id}/report", UriKind.Relative));
        pdfRequest.Headers.Accept.ParseAdd("application/pdf");
        using var pdf = await http.SendAsync(pdfRequest);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..5]), StringComparison.Ordinal);
        using var listing = await http.GetAsync(new Uri("/studies", UriKind.Relative));
        Assert.Equal("no-store", listing.Headers.CacheControl!.ToString());

        using var missing = await http.GetAsync(new Uri($"/studies/{Guid.NewGuid()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
