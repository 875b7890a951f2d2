using Spine.Analysis.Models;
using System.Security.Cryptography;
using System.Text.Json;
using Spine.Training.Networks;

namespace Spine.Training;

/// <summary>Writes a trained segmenter as a model folder: model.onnx, model.json, the TorchSharp checkpoint.</summary>
internal static class SegmenterExport
{
    public static ModelManifest Write(VNet2d model, string folder, string name, string version, double spacingMm, string trainingData)
    {
        Directory.CreateDirectory(folder);
        var onnx = model.ExportOnnx(version, $"{name} {version}: 2-D V-Net segmenter of axial T2 lumbar slices. {trainingData}");
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), onnx);
        model.save(Path.Combine(folder, "checkpoint.bin"));
        var manifest = new ModelManifest
        {
            Name = name,
            Version = version,
            Task = ModelTasks.Segmentation,
            File = "model.onnx",
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(onnx)),
            Input = new ModelInput("image", [-1, 1, -1, -1], spacingMm, SliceSet.Normalisation, model.SizeMultiple),
            Output = new ModelOutput("probabilities", [-1, model.Classes, -1, -1], Spine.Phantom.Labels.Names),
            TrainingData = trainingData,
            IntendedUse = "Research and testing of the Spine Platform pipeline. Trained on synthetic phantoms only; not clinically validated; not for clinical use.",
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(manifest, ModelJsonContext.Default.ModelManifest));
        return manifest;
    }
}
