using Spine.Analysis.Models;
using Spine.Imaging;

namespace Spine.Training;

/// <summary>Dice per structure of an exported segmenter, run by ONNX Runtime as the services run it, on a labelled dataset.</summary>
public sealed record SegmenterScores(int Cases, int Slices, IReadOnlyDictionary<string, double> Dice);

public static class SegmenterEvaluation
{
    /// <summary>Dice over all slices of the dataset together; throws <see cref="ModelFolderException"/> if the model does not match its model.json.</summary>
    public static SegmenterScores Evaluate(string modelFolder, string datasetFolder, int threads = 2)
    {
        using var session = new SegmenterSession(ModelFolder.Load(modelFolder), threads);
        var labels = session.Model.Manifest.Output!.Labels.Where(l => l.Value > 0).ToList();
        var (both, predicted, inTruth) = (new long[session.Classes], new long[session.Classes], new long[session.Classes]);
        int cases = 0, slices = 0;
        foreach (var imagePath in Directory.EnumerateFiles(Path.Combine(datasetFolder, "imagesTr"), "*_0000.nii.gz").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(imagePath)[..^"_0000.nii.gz".Length];
            var image = Normalization.PercentileScale(Nifti.Read(imagePath));
            var truth = Nifti.Read(Path.Combine(datasetFolder, "labelsTr", name + ".nii.gz"));
            var output = session.Segment(Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList(), image.SizeI, image.SizeJ);
            cases++;
            for (var k = 0; k < image.SizeK; k++, slices++)
            {
                var reference = truth.Slice(k);
                for (var p = 0; p < reference.Length; p++)
                {
                    var (guess, actual) = (output[k][p], (int)reference[p]);
                    predicted[guess]++;
                    inTruth[actual]++;
                    both[guess] += guess == actual ? 1 : 0;
                }
            }
        }

        var dice = labels.ToDictionary(
            l => l.Key,
            l => predicted[l.Value] + inTruth[l.Value] > 0 ? Math.Round(2.0 * both[l.Value] / (predicted[l.Value] + inTruth[l.Value]), 4) : 1.0);
        return new SegmenterScores(cases, slices, dice);
    }
}
