using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Json.Schema;
using Spine.Contracts.V1;
using Spine.Testing;

namespace Spine.Contracts.Tests;

/// <summary>
/// docs/api/asyncapi.v1.json, the AsyncAPI 3.0 description of the events a subscriber can consume, is generated from
/// the contracts (exchange, binding, MassTransit's envelope, the payload schemas) and must stay in step with them; every
/// golden message is valid against the schema of its type (JsonSchema.Net); and the AsyncAPI CLI accepts the document.
/// </summary>
public sealed class AsyncApiTests
{
    private const string DocumentFile = "asyncapi.v1.json";

    /// <summary>The events published for subscribers outside the platform; the other messages are the pipeline's own.</summary>
    private static readonly Type[] Events = [typeof(StudyReportPublished), typeof(StudyFailed)];

    [Fact]
    public void The_asyncapi_document_is_generated_from_the_contracts()
    {
        var generated = Generate();

        if (GoldenFiles.Updating)
        {
            GoldenFiles.WriteAndFail($"../../docs/api/{DocumentFile}", generated);
        }

        Assert.Equal(GoldenFiles.Read($"Api/{DocumentFile}"), generated);
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Every_golden_message_is_valid_against_the_schema_of_its_type(string typeName)
    {
        var type = ContractInfo.MessageTypes.Single(t => t.Name == typeName);
        var schema = JsonSchema.FromText(SchemaOf(type).ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var golden = JsonDocument.Parse(GoldenFiles.Read($"Golden/{typeName}.json"));

        var result = schema.Evaluate(golden.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void A_message_missing_a_required_field_is_invalid_against_its_schema()
    {
        var schema = JsonSchema.FromText(SchemaOf(typeof(StudyFailed)).ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var message = JsonNode.Parse(GoldenFiles.Read("Golden/StudyFailed.json"))!.AsObject();
        message.Remove("code");
        using var broken = JsonDocument.Parse(message.ToJsonString());

        Assert.False(schema.Evaluate(broken.RootElement).IsValid);
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.Integration)] // the AsyncAPI CLI from the npm registry (tests/infra/test-services.sh installs it)
    public async Task The_asyncapi_cli_validates_the_committed_document()
    {
        var cli = Environment.GetEnvironmentVariable("SPINE_TEST_ASYNCAPI_CLI") ?? "asyncapi";

        var (exitCode, output) = await ExternalTool.RunAsync(cli, ["validate", Path.Combine(RepositoryLayout.Root, "docs", "api", DocumentFile), "--fail-severity", "warn"],
            timeout: TimeSpan.FromMinutes(2), environment: new Dictionary<string, string?> { ["DO_NOT_TRACK"] = "1", ["ASYNCAPI_OBSERVABILITY"] = "false" });

        Assert.True(exitCode == 0, output);
    }

    public static TheoryData<string> MessageTypes() => [.. ContractInfo.MessageTypes.Select(t => t.Name)];

    private static JsonNode SchemaOf(Type type) =>
        JsonSchemaExporter.GetJsonSchemaAsNode(SpineContractsJsonContext.Default.Options, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });

    private static string Generate()
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        var schemas = new JsonObject();
        foreach (var type in Events)
        {
            var name = type.Name;
            var channel = char.ToLowerInvariant(name[0]) + name[1..];
            var exchange = $"{type.Namespace}:{name}";
            channels[channel] = new JsonObject
            {
                ["address"] = exchange,
                ["description"] = $"MassTransit's exchange of {name}: a durable fanout exchange. Bind a queue of your own to it (any routing key) to receive every {name}.",
                ["messages"] = new JsonObject { [name] = Ref($"#/components/messages/{name}") },
                ["bindings"] = new JsonObject
                {
                    ["amqp"] = new JsonObject
                    {
                        ["is"] = "routingKey",
                        ["exchange"] = new JsonObject { ["name"] = exchange, ["type"] = "fanout", ["durable"] = true, ["autoDelete"] = false, ["vhost"] = "/" },
                        ["bindingVersion"] = "0.3.0",
                    },
                },
            };
            operations["receive" + name] = new JsonObject
            {
                ["action"] = "receive",
                ["channel"] = Ref($"#/channels/{channel}"),
                ["summary"] = type == typeof(StudyReportPublished)
                    ? "A study's structured report, once per study (a message redelivered after a crash carries the same messageId: deduplicate on it)."
                    : "A study the platform gave up on, with the stage, a failure code and the reason (never patient data).",
                ["messages"] = new JsonArray(Ref($"#/channels/{channel}/messages/{name}")),
                ["bindings"] = new JsonObject { ["amqp"] = new JsonObject { ["ack"] = true, ["bindingVersion"] = "0.3.0" } },
            };
            messages[name] = new JsonObject
            {
                ["name"] = name,
                ["title"] = name,
                ["contentType"] = "application/vnd.masstransit+json",
                ["summary"] = $"MassTransit's JSON envelope; the {name} itself is its `message` property.",
                ["headers"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["Content-Type"] = new JsonObject { ["type"] = "string", ["const"] = "application/vnd.masstransit+json" },
                        ["traceparent"] = new JsonObject { ["type"] = "string", ["description"] = "W3C trace context of the publishing span, to follow the study's trace." },
                    },
                },
                ["payload"] = Ref($"#/components/schemas/{name}Envelope"),
            };
            schemas[name + "Envelope"] = Envelope(name);
            schemas[name] = Rebased(SchemaOf(type), $"#/components/schemas/{name}");
        }

        var document = new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Spine Platform result events",
                ["version"] = ContractInfo.ReportSchemaVersion,
                ["description"] = "The events Spine Platform publishes on RabbitMQ for downstream systems: one StudyReportPublished per reported study and one "
                    + "StudyFailed per study it gave up on. Messages are JSON in MassTransit's envelope. Reference models are trained on synthetic phantoms "
                    + "and are not clinically validated. Subscribing from another language: docs/subscribing.md.",
            },
            ["defaultContentType"] = "application/vnd.masstransit+json",
            ["servers"] = new JsonObject
            {
                ["broker"] = new JsonObject
                {
                    ["host"] = "rabbitmq:5671",
                    ["protocol"] = "amqps",
                    ["description"] = "The deployment's RabbitMQ (Spine:Bus:RabbitMq:Url); TLS is required by the deployment files.",
                },
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["messages"] = messages, ["schemas"] = schemas },
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }

    private static JsonObject Ref(string pointer) => new() { ["$ref"] = pointer };

    /// <summary>MassTransit's envelope around a message: what a subscriber reads off the queue.</summary>
    private static JsonObject Envelope(string name) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("messageId", "messageType", "message"),
        ["properties"] = new JsonObject
        {
            ["messageId"] = new JsonObject { ["type"] = "string", ["format"] = "uuid", ["description"] = "The same on a redelivery of the same message." },
            ["correlationId"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
            ["conversationId"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
            ["sourceAddress"] = new JsonObject { ["type"] = "string" },
            ["destinationAddress"] = new JsonObject { ["type"] = "string" },
            ["messageType"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "string" },
                ["contains"] = new JsonObject { ["const"] = $"urn:message:Spine.Contracts.V1:{name}" },
            },
            ["sentTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["headers"] = new JsonObject { ["type"] = "object" },
            ["host"] = new JsonObject { ["type"] = "object" },
            ["message"] = Ref($"#/components/schemas/{name}"),
        },
    };

    /// <summary>The exporter's schema with its internal references (JSON pointers from its root) moved under <paramref name="root"/>.</summary>
    private static JsonNode Rebased(JsonNode schema, string root)
    {
        switch (schema)
        {
            case JsonObject map:
                foreach (var (key, value) in map.ToList())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } pointer && pointer.StartsWith('#'))
                    {
                        map[key] = root + pointer[1..];
                    }
                    else if (value is not null)
                    {
                        Rebased(value, root);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    Rebased(item, root);
                }

                break;
        }

        return schema;
    }
}
