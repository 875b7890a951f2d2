using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// The OpenAPI document of every HTTP endpoint of the six services, as the platform generates it, is the committed
/// docs/api/openapi.v1.json: an endpoint or a parameter changed without its document fails here. To accept a change,
/// run with SPINE_UPDATE_GOLDEN=1 and review the diff.
/// </summary>
public sealed partial class ApiDocumentTests
{
    private static readonly string Committed = Path.Combine(RepositoryLayout.Root, "docs", "api", "openapi.v1.json");

    [Fact]
    public async Task The_generated_openapi_document_is_the_committed_one_and_lists_every_endpoint()
    {
        await using var platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, _ => { }, web: true);

        var generated = JsonNode.Parse(await platform.Http!.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;
        var text = generated.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (Environment.GetEnvironmentVariable("SPINE_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(Committed, text);
        }

        Assert.Equal(await File.ReadAllTextAsync(Committed), text);
        var documented = generated["paths"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var routes = ((IEndpointRouteBuilder)platform.Host).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + Constraint().Replace(e.RoutePattern.RawText!.Trim('/'), "}"))
            .Where(route => !route.StartsWith("/health/", StringComparison.Ordinal) && route is not "/metrics" and not "/openapi/{documentName}.json")
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(routes.Except(documented));
        Assert.Contains("/studies/{id}/rerun", documented);
    }

    [GeneratedRegex(@":[^}]*\}")]
    private static partial Regex Constraint();
}
