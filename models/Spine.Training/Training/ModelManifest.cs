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
    /// <summary>Image models: the tensor they take. Null for models on measurements.</summary>
    public ModelInput? Input { get; init; }

    /// <summary>Image models: the tensor they give. Null for models on measurements.</summary>
    public ModelOutput? Output { get; init; }

    /// <summary>Models on measurements: the features they take, in order, with units.</summary>
    public IReadOnlyList<ModelFeature>? Features { get; init; }
    public required string TrainingData { get; init; }
    public required string IntendedUse { get; init; }
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}

public sealed record ModelFeature(string Name, string Unit);

public sealed record ModelInput(string Name, IReadOnlyList<long> Shape, double SpacingMm, string Normalisation, int SizeMultiple);

public sealed record ModelOutput(string Name, IReadOnlyList<long> Shape, IReadOnlyDictionary<string, int> Labels);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelManifest))]
public sealed partial class TrainingJsonContext : JsonSerializerContext;
