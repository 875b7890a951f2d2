using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spine.Contracts.V1;

namespace Spine.Contracts.Tests;

public sealed class WireShapeTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every message type in the contracts assembly, found by reflection, so a new message cannot miss its golden file.</summary>
    private static readonly Type[] Messages = [.. typeof(IStudyMessage).Assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IStudyMessage).IsAssignableFrom(type))
        .OrderBy(type => type.Name, StringComparer.Ordinal)];

    public static TheoryData<string> MessageNames() => new(Messages.Select(type => type.Name));

    [Fact]
    public void Contract_info_lists_every_message_type_of_the_assembly()
    {
        Assert.Equal(Messages.Select(type => type.Name), ContractInfo.MessageTypes.Select(type => type.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Message_serializes_to_its_golden_file(string messageName)
    {
        var type = Messages.Single(t => t.Name == messageName);
        Assert.True(SampleMessages.All.ContainsKey(type), $"{messageName} has no sample in {nameof(SampleMessages)}.");
        var actual = Canonical(JsonSerializer.Serialize(SampleMessages.All[type], type, SpineContractsJsonContext.Default));
        var golden = $"Golden/{messageName}.json";

        if (GoldenFiles.Updating)
        {
            GoldenFiles.WriteAndFail(golden, actual);
        }

        Assert.True(GoldenFiles.Exists(golden), $"{golden} is missing: every message needs a golden file (run with SPINE_UPDATE_GOLDEN=1 to write it).");
        Assert.Equal(GoldenFiles.Read(golden), actual);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Golden_file_deserializes_and_serializes_back_unchanged(string messageName)
    {
        var type = Messages.Single(t => t.Name == messageName);
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
        var records = typeof(IStudyMessage).Assembly.GetTypes().Where(type => type.Namespace == typeof(IStudyMessage).Namespace && type.IsClass && type.Name.EndsWith("ed", StringComparison.Ordinal));
        foreach (var type in records)
        {
            Assert.True(typeof(IStudyMessage).IsAssignableFrom(type), $"{type.Name} is named as an event but does not implement IStudyMessage.");
        }
    }

    private static string Canonical(string json) => JsonNode.Parse(json)!.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
}
