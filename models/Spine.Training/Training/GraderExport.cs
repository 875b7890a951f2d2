using System.Security.Cryptography;
using System.Text.Json;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Training.Networks;

namespace Spine.Training;

/// <summary>Writes a trained grader as a model folder: model.onnx, model.json, the TorchSharp checkpoint.</summary>
internal static class GraderExport
{
    public static IReadOnlyDictionary<string, int> GradeLabels { get; } = new Dictionary<string, int>
    {
        ["normal"] = 0,
        ["mild"] = 1,
        ["moderate"] = 2,
        ["severe"] = 3,
    };

    public static string ModelName(RegionKind region) => region switch
    {
        RegionKind.CentralCanal => "spine-bit-central-canal",
        RegionKind.Foramen => "spine-bit-foramen",
        _ => "spine-bit-facet",
    };

    public static string Task(RegionKind region) => region switch
    {
        RegionKind.CentralCanal => ModelTasks.CentralCanalCnn,
        RegionKind.Foramen => ModelTasks.Foramen,
        _ => ModelTasks.Facet,
    };

    public static string RegionName(RegionKind region) => region switch
    {
        RegionKind.CentralCanal => "central-canal",
        RegionKind.Foramen => "foramen",
        _ => "facet",
    };

    public static ModelManifest Write(BitGrader model, CropSpec spec, string folder, string version, double temperature, string trainingData)
    {
        Directory.CreateDirectory(folder);
        var name = ModelName(spec.Region);
        var onnx = model.ExportOnnx(spec.Pixels, version,
            $"{name} {version}: BiT-style grader of the {RegionName(spec.Region)} region on axial T2 lumbar slices. {trainingData}");
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), onnx);
        model.save(Path.Combine(folder, "checkpoint.bin"));
        var manifest = new ModelManifest
        {
            Name = name,
            Version = version,
            Task = Task(spec.Region),
            File = "model.onnx",
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(onnx)),
            Input = new ModelInput("region", [-1, 1, spec.Pixels, spec.Pixels], spec.SpacingMm, SliceSet.Normalisation, 1,
                new ModelCrop(RegionName(spec.Region), spec.SizeMm, spec.Pixels, CropSpec.Orientation)),
            Output = new ModelOutput("probabilities", [-1, BitGrader.Grades], GradeLabels, "features", "class_maps", temperature),
            TrainingData = trainingData,
            IntendedUse = "Research and testing of the Spine Platform pipeline. Trained on synthetic phantoms only; not clinically validated; not for clinical use.",
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(manifest, ModelJsonContext.Default.ModelManifest));
        return manifest;
    }
}
