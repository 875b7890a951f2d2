using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Spine.Evaluation;
using Spine.Imaging;

namespace Spine.Training;

/// <summary>Dice per structure of an exported segmenter, run by ONNX Runtime as the services run it, on a labelled dataset.</summary>
public sealed record SegmenterScores(int Cases, int Slices, IReadOnlyDictionary<string, double> Dice);

public static class SegmenterEvaluation
{
    public static SegmenterScores Evaluate(string modelFolder, string datasetFolder, int threads = 2)
    {
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(modelFolder, "model.json")), TrainingJsonContext.Default.ModelManifest)
            ?? throw new InvalidDataException($"{modelFolder}/model.json is empty.");
        var bytes = File.ReadAllBytes(Path.Combine(modelFolder, manifest.File));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha256 != manifest.Sha256)
        {
            throw new InvalidDataException($"{manifest.File} has SHA-256 {sha256}; model.json records {manifest.Sha256}.");
        }

        using var options = new SessionOptions { IntraOpNumThreads = threads };
        using var session = new InferenceSession(bytes, options);
        var labels = manifest.Output!.Labels;
        var counts = labels.Values.Where(v => v > 0).ToDictionary(v => v, _ => (Both: 0L, Predicted: 0L, Truth: 0L));
        int cases = 0, slices = 0;
        foreach (var imagePath in Directory.EnumerateFiles(Path.Combine(datasetFolder, "imagesTr"), "*_0000.nii.gz").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(imagePath)[..^"_0000.nii.gz".Length];
            var image = Normalization.PercentileScale(Nifti.Read(imagePath));
            var truth = Nifti.Read(Path.Combine(datasetFolder, "labelsTr", name + ".nii.gz"));
            cases++;
            for (var k = 0; k < image.SizeK; k++)
            {
                slices++;
                var input = new DenseTensor<float>(image.Slice(k).ToArray(), [1, 1, image.SizeJ, image.SizeI]);
                using var results = session.Run([NamedOnnxValue.CreateFromTensor(manifest.Input!.Name, input)]);
                var probabilities = results.Single().AsTensor<float>();
                var pixels = image.SliceLength;
                var truthSlice = truth.Slice(k);
                for (var p = 0; p < pixels; p++)
                {
                    var (y, x) = (p / image.SizeI, p % image.SizeI);
                    var best = 0;
                    for (var c = 1; c < manifest.Output.Shape[1]; c++)
                    {
                        if (probabilities[0, c, y, x] > probabilities[0, best, y, x])
                        {
                            best = c;
                        }
                    }

                    var actual = (int)truthSlice[p];
                    foreach (var label in counts.Keys)
                    {
                        var (both, predicted, inTruth) = counts[label];
                        counts[label] = (both + (best == label && actual == label ? 1 : 0), predicted + (best == label ? 1 : 0), inTruth + (actual == label ? 1 : 0));
                    }
                }
            }
        }

        var dice = labels.Where(pair => pair.Value > 0).ToDictionary(
            pair => pair.Key,
            pair => counts[pair.Value] is var (both, predicted, inTruth) && predicted + inTruth > 0 ? Math.Round(2.0 * both / (predicted + inTruth), 4) : 1.0);
        return new SegmenterScores(cases, slices, dice);
    }
}
