using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Spine.Analysis.Models;

/// <summary>
/// A grader's answer for one region: the four grade probabilities, P(moderate or worse), and the class activation
/// map of each grade (row by row, <see cref="MapWidth"/> x <see cref="MapHeight"/>, over the crop).
/// </summary>
public sealed record GraderResult(float[] Probabilities, float[][] ClassActivationMaps, int MapWidth, int MapHeight)
{
    public int Grade => Array.IndexOf(Probabilities, Probabilities.Max());

    public double ModerateOrWorse => Probabilities.Length >= 4 ? Probabilities[2] + Probabilities[3] : 0;
}

/// <summary>Runs a region grader (CNN) on crops sampled as its model.json says (see Spine.Analysis.Anatomy.RegionCrop).</summary>
public sealed class GraderSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelManifest _manifest;

    public GraderSession(ModelFolder model, int threads = 2)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Manifest.Input?.Crop is null || model.Manifest.Output?.ClassActivationMaps is null)
        {
            throw new ModelFolderException($"{model.Path}: task '{model.Manifest.Task}' is not a region grader (model.json names no crop or class activation maps).");
        }

        (_manifest, Model, Clock) = (model.Manifest, model, new InferenceClock(model.Manifest.Name));
        _session = OnnxSessions.Create(model, threads);
    }

    public ModelFolder Model { get; }

    public ModelCrop Crop => _manifest.Input!.Crop!;

    public InferenceClock Clock { get; }

    public IReadOnlyList<GraderResult> Grade(IReadOnlyList<float[]> crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        if (crops.Count == 0)
        {
            return [];
        }

        var size = Crop.Pixels;
        var input = new DenseTensor<float>([crops.Count, 1, size, size]);
        for (var n = 0; n < crops.Count; n++)
        {
            if (crops[n].Length != size * size)
            {
                throw new ArgumentException($"crop {n} holds {crops[n].Length} values; the model takes {size}x{size}.", nameof(crops));
            }

            crops[n].CopyTo(input.Buffer.Span.Slice(n * size * size, size * size));
        }

        using var results = Clock.Time(() => _session.Run([NamedOnnxValue.CreateFromTensor(_manifest.Input!.Name, input)]));
        var probabilities = results.First(r => r.Name == _manifest.Output!.Name).AsTensor<float>();
        var maps = results.First(r => r.Name == _manifest.Output!.ClassActivationMaps).AsTensor<float>();
        var (grades, mapH, mapW) = (maps.Dimensions[1], maps.Dimensions[2], maps.Dimensions[3]);
        var answers = new GraderResult[crops.Count];
        for (var n = 0; n < crops.Count; n++)
        {
            var p = new float[grades];
            var classMaps = new float[grades][];
            for (var g = 0; g < grades; g++)
            {
                p[g] = probabilities[n, g];
                var map = new float[mapH * mapW];
                for (var y = 0; y < mapH; y++)
                {
                    for (var x = 0; x < mapW; x++)
                    {
                        map[(y * mapW) + x] = maps[n, g, y, x];
                    }
                }

                classMaps[g] = map;
            }

            answers[n] = new GraderResult(Calibrated(p, _manifest.Output!.Temperature ?? 1), classMaps, mapW, mapH);
        }

        return answers;
    }

    /// <summary>
    /// Probabilities at a temperature: softmax(logits / T) from softmax(logits), as p^(1/T) renormalised. The grade (the
    /// most probable) does not change; only how sure the probabilities say the model is.
    /// </summary>
    public static float[] Calibrated(float[] probabilities, double temperature)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (Math.Abs(temperature - 1) < 1e-9)
        {
            return probabilities;
        }

        var scaled = probabilities.Select(p => Math.Pow(Math.Max(p, 1e-12), 1 / temperature)).ToArray();
        var sum = scaled.Sum();
        return [.. scaled.Select(p => (float)(p / sum))];
    }

    public void Dispose() => _session.Dispose();
}
