using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Spine.Contracts.V1;

namespace Spine.Contracts.Tests;

/// <summary>The published JSON schema of the result event is generated from the contracts and must stay in step with them.</summary>
public sealed class ResultSchemaTests
{
    private const string SchemaFile = "study-report-published.v1.schema.json";

    [Fact]
    public void Published_result_schema_matches_the_contracts()
    {
        var generated = GenerateSchema();

        if (GoldenFiles.Updating)
        {
            GoldenFiles.WriteAndFail($"../../contracts/schema/{SchemaFile}", generated);
        }

        Assert.Equal(GoldenFiles.Read($"Schema/{SchemaFile}"), generated);
    }

    [Fact]
    public void Result_schema_requires_grade_and_probabilities_of_every_finding()
    {
        var schema = JsonNode.Parse(GoldenFiles.Read($"Schema/{SchemaFile}"))!;
        var finding = schema["properties"]!["report"]!["properties"]!["levels"]!["items"]!["properties"]!["findings"]!["items"]!;
        var required = finding["required"]!.AsArray().Select(node => node!.GetValue<string>()).ToList();

        Assert.Contains("grade", required);
        Assert.Contains("gradeProbabilities", required);
        Assert.Contains("significantProbability", required);
    }

    private static string GenerateSchema()
    {
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(
            SpineContractsJsonContext.Default.Options,
            typeof(StudyReportPublished),
            new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "urn:spine-platform:schema:study-report-published:v1",
            ["title"] = "StudyReportPublished (v1)",
            ["description"] = "The public result event of Spine Platform: one structured, explained report per study. Reference models are trained on synthetic phantoms and are not clinically validated.",
        };
        foreach (var (name, value) in schema.AsObject())
        {
            document[name] = value?.DeepClone();
        }

        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }
}
