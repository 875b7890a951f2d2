using System.Net;
using System.Text.Json.Nodes;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>The reporting service's studies API, served by <c>spine serve</c> over what <c>spine demo</c> stored.</summary>
public sealed class StudiesApiTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spine-api-").FullName;

    [Fact]
    public async Task Studies_api_lists_the_study_its_stages_and_serves_its_report_as_json_and_html()
    {
        await using (var demo = await SpineProcess.RunAsync(["demo", "--out", _root, "--models", Path.Combine(RepositoryLayout.Root, "models")], TimeSpan.FromMinutes(5)))
        {
            Assert.True(demo.ExitCode == 0, demo.StandardError);
        }

        var port = SpineProcess.FreeTcpPort();
        await using var spine = SpineProcess.Start(
            ["serve", "--services", "reporting", "--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string>
            {
                ["Spine__Storage__FileSystem__Root"] = Path.Combine(_root, ".spine", "objects"),
                ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(_root, ".spine", "ledger.db")}",
            });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await HealthEndpoint.WaitForAnswerAsync(http, "/health/ready", spine, TimeSpan.FromSeconds(60), HttpStatusCode.OK);

        var studies = JsonNode.Parse(await http.GetStringAsync(new Uri("/studies", UriKind.Relative)))!.AsArray();
        var study = Assert.Single(studies)!;
        Assert.Equal("Completed", study["status"]!.GetValue<string>());
        var id = study["studyId"]!.GetValue<string>();

        var detail = JsonNode.Parse(await http.GetStringAsync(new Uri($"/studies/{id}", UriKind.Relative)))!;
        var stages = detail["transitions"]!.AsArray().Where(t => t!["outcome"]!.GetValue<string>() == "Completed").Select(t => t!["stage"]!.GetValue<string>()).ToList();
        Assert.Equal(["Ingestion", "Preprocessing", "Segmentation", "Classification", "Explanation", "Reporting"], stages);

        var report = JsonNode.Parse(await http.GetStringAsync(new Uri($"/studies/{id}/report", UriKind.Relative)))!;
        Assert.Equal(5, report["levels"]!.AsArray().Count);
        using var html = await http.GetAsync(new Uri($"/studies/{id}/report?format=html", UriKind.Relative));
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<h2>Summary</h2>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var missing = await http.GetAsync(new Uri($"/studies/{Guid.NewGuid()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
