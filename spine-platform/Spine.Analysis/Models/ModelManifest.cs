using System.Text.Json.Serialization;

namespace Spine.Analysis.Models;

/// <summary>model.json: what a model takes and gives, what it was trained on, how it measured. Services read it to run the model.</summary>
public sealed record ModelManifest
{
    public required string Name { get; init; }
    public required string Version { get; init; }

    /// <summary>One of <see cref="ModelTasks"/>.</summary>
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

/// <summary>The tasks a model folder can serve; the pipeline picks one model per task.</summary>
public static class ModelTasks
{
    public const string Segmentation = "segmentation";
    public const string CentralCanalTree = "central-canal-tree";
    public const string CentralCanalCnn = "central-canal-cnn";
    public const string Foramen = "foramen-grading";
    public const string Facet = "facet-grading";
}

public sealed record ModelFeature(string Name, string Unit);

/// <param name="Crop">Region graders: the region and how it is sampled (see Spine.Analysis.Anatomy.CropSpec).</param>
public sealed record ModelInput(string Name, IReadOnlyList<long> Shape, double SpacingMm, string Normalisation, int SizeMultiple, ModelCrop? Crop = null);

public sealed record ModelCrop(string Region, double SizeMm, int Pixels, string Orientation);

/// <param name="FeatureMap">Graders: the output holding the last feature map (batch, channels, h, w).</param>
/// <param name="ClassActivationMaps">Graders: the output holding one activation map per grade (batch, grades, h, w), whose spatial mean is the grade's logit.</param>
/// <param name="Temperature">
/// Temperature scaling fitted on held-out cases after training (Guo et al. 2017): the grade probabilities the network
/// gives are softened or sharpened by it, so that a probability of 0.7 means 70 %. Null or 1: none.
/// </param>
public sealed record ModelOutput(string Name, IReadOnlyList<long> Shape, IReadOnlyDictionary<string, int> Labels, string? FeatureMap = null, string? ClassActivationMaps = null, double? Temperature = null);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelManifest))]
public sealed partial class ModelJsonContext : JsonSerializerContext;
