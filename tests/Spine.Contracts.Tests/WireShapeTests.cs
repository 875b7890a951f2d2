using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spine.Contracts.V1;

namespace Spine.Contracts.Tests;

public sealed class WireShapeTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> MessageNames() => new(ContractInfo.MessageTypes.Select(type => type.Name));

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Message_serializes_to_its_golden_file(string messageName)
    {
        var type = ContractInfo.MessageTypes.Single(t => t.Name == messageName);
        var actual = Canonical(JsonSerializer.Serialize(SampleMessages.All[type], type, SpineContractsJsonContext.Default));
        var golden = $"Golden/{messageName}.json";

        if (GoldenFiles.Updating)
        {
            GoldenFiles.Write(golden, actual);
            return;
        }

        Assert.True(GoldenFiles.Exists(golden), $"{golden} is missing: every message needs a golden file (run with SPINE_UPDATE_GOLDEN=1 to write it).");
        Assert.Equal(GoldenFiles.Read(golden), actual);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Golden_file_deserializes_and_serializes_back_unchanged(string messageName)
    {
        var type = ContractInfo.MessageTypes.Single(t => t.Name == messageName);
        var golden = GoldenFiles.Read($"Golden/{messageName}.json");

        var message = JsonSerializer.Deserialize(golden, type, SpineContractsJsonContext.Default);

        Assert.NotNull(message);
        Assert.Equal(golden, Canonical(JsonSerializer.Serialize(message, type, SpineContractsJsonContext.Default)));
    }

    [Fact]
    public void Message_missing_a_required_field_is_refused_with_the_field_named()
    {
        var golden = JsonNode.Parse(GoldenFiles.Read("Golden/StudyFailed.json"))!.AsObject();
        golden.Remove("stage");

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(golden.ToJsonString(), SpineContractsJsonContext.Default.StudyFailed));

        Assert.Contains("stage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enumerations_travel_as_their_documented_names()
    {
        var json = GoldenFiles.Read("Golden/StudyReportPublished.json");

        Assert.Contains("\"level\": \"L4-L5\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"central-canal-stenosis\"", json, StringComparison.Ordinal);
        Assert.Contains("\"side\": \"left\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_message_carries_the_study_identifiers()
    {
        foreach (var type in ContractInfo.MessageTypes)
        {
            Assert.True(typeof(IStudyMessage).IsAssignableFrom(type), $"{type.Name} does not implement IStudyMessage.");
        }
    }

    private static string Canonical(string json) => JsonNode.Parse(json)!.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
}
