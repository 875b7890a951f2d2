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

    [Fact]
    public async Task Every_operation_documents_what_it_answers_and_the_role_it_needs()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Committed))!;
        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key} {path.Key}", Operation: op.Value!))).ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, op =>
        {
            var responses = op.Operation["responses"]!.AsObject();
            // A success with its media type (a schema for JSON), and the two answers to a caller without the role.
            Assert.True(responses.Any(r => r.Key.StartsWith('2') && r.Value!["content"] is JsonObject { Count: > 0 }), $"{op.Name}: no success response with a media type");
            Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{op.Name}: 401 and 403 not documented");
            Assert.StartsWith("Role: ", (string?)op.Operation["description"], StringComparison.Ordinal);
        });
        Assert.All(operations.Where(op => op.Name.StartsWith("post ", StringComparison.Ordinal)), op => Assert.NotNull(op.Operation["requestBody"]?["content"]));
        Assert.Equal("#/components/schemas/StudyDetail", (string?)document["paths"]!["/studies/{id}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
    }

    [GeneratedRegex(@":[^}]*\}")]
    private static partial Regex Constraint();
}
