using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Testing;
using Task = System.Threading.Tasks.Task;

namespace Spine.Reporting.Tests;

/// <summary>
/// The report's FHIR bundle to a FHIR server, tried again while the server fails. No FHIR server can run on this
/// machine (none is packaged), so the server here is a stand-in: it answers 503 once, then parses the bundle with the
/// Firely SDK and answers a transaction-response as a FHIR server does.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class FhirExportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _received = new();
    private WebApplication _server = null!;
    private EmbeddedPlatform _platform = null!;
    private int _requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapPost("/fhir", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            if (Interlocked.Increment(ref _requests) == 1)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            _received.Enqueue(body);
            var bundle = JsonSerializer.Deserialize<Bundle>(body, new JsonSerializerOptions().ForFhir(Hl7.Fhir.Model.ModelInfo.ModelInspector))!;
            var answer = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "transaction-response",
                ["entry"] = new JsonArray([.. bundle.Entry.Select(_ => (JsonNode)new JsonObject { ["response"] = new JsonObject { ["status"] = "201 Created" } })]),
            };
            return Results.Text(answer.ToJsonString(), FhirReport.MediaType);
        });
        await _server.StartAsync();
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _platform = await EmbeddedPlatform.StartAsync(
            SpineModules.Pipeline,
            EmbeddedPlatform.Record<StudyReportPublished>,
            new Dictionary<string, string?>
            {
                ["Spine:Export:Destinations:0:Name"] = "records",
                ["Spine:Export:Destinations:0:Kind"] = "Fhir",
                ["Spine:Export:Destinations:0:Url"] = address + "/fhir",
                ["Spine:Export:FirstRetryDelaySeconds"] = "0.2",
            },
            web: true);
    }

    [Fact]
    public async Task The_report_reaches_a_fhir_server_that_failed_the_first_time_as_the_bundle_the_api_serves()
    {
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 929292, Distractors = false }), Path.Combine(_platform.Root, "in"));
        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));

        await _platform.WaitForConsumedAsync<StudyReportPublished>("export", m => m.StudyId == study.StudyId, count: 1, seconds: 120);

        Assert.Equal(2, _requests);
        var received = Assert.Single(_received);
        using var served = await _platform.Http!.GetAsync(new Uri($"/studies/{study.StudyId}/fhir", UriKind.Relative));
        Assert.Equal(await served.Content.ReadAsStringAsync(), received);
        Assert.Contains(study.StudyId.ToString(), received, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _server.DisposeAsync();
    }
}
