using System.Text.Json.Serialization;

namespace Spine.Training;

/// <summary>model.json: what a model takes and gives, what it was trained on, how it measured. Services read it to run the model.</summary>
public sealed record ModelManifest
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required string Task { get; init; }
    public required string File { get; init; }
    public required string Sha256 { get; init; }
    public required ModelInput Input { get; init; }
    public required ModelOutput Output { get; init; }
    public required string TrainingData { get; init; }
    public required string IntendedUse { get; init; }
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}

public sealed record ModelInput(string Name, IReadOnlyList<long> Shape, double SpacingMm, string Normalisation, int SizeMultiple);

public sealed record ModelOutput(string Name, IReadOnlyList<long> Shape, IReadOnlyDictionary<string, int> Labels);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ModelManifest))]
public sealed partial class TrainingJsonContext : JsonSerializerContext;
