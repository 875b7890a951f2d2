using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Spine.Analysis.Models;

/// <summary>
/// One segmented slice: a label per pixel, and how sure the segmenter was of the dural sac and disc: the mean
/// probability of the chosen label over the <see cref="AnatomyPixels"/> pixels it called sac or disc.
/// </summary>
public sealed record SegmentedSlice(byte[] Labels, double Confidence, int AnatomyPixels)
{
    /// <summary>The confidence of several slices together, weighted by their sac and disc pixels; 0 when none has any.</summary>
    public static double Pooled(IEnumerable<SegmentedSlice> slices)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var (sum, count) = slices.Aggregate((Sum: 0.0, Count: 0L), (total, s) => (total.Sum + (s.Confidence * s.AnatomyPixels), total.Count + s.AnatomyPixels));
        return count == 0 ? 0 : sum / count;
    }
}

/// <summary>Runs a segmentation model on normalised slices: one label per pixel, the most probable.</summary>
public sealed class SegmenterSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelManifest _manifest;

    public SegmenterSession(ModelFolder model, int threads = 2, OnnxDevice device = OnnxDevice.Cpu, int cudaDeviceId = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Manifest.Task != ModelTasks.Segmentation || model.Manifest.Input is null || model.Manifest.Output is null)
        {
            throw new ModelFolderException($"{model.Path}: task '{model.Manifest.Task}' is not a segmentation model with input and output.");
        }

        (_manifest, Model, Clock) = (model.Manifest, model, new InferenceClock(model.Manifest.Name));
        _session = OnnxSessions.Create(model, threads, device, cudaDeviceId);
        Device = device;
    }

    public ModelFolder Model { get; }

    public OnnxDevice Device { get; }

    public InferenceClock Clock { get; }

    public int Classes => (int)_manifest.Output!.Shape[1];

    /// <summary>Segments slices of <paramref name="width"/> x <paramref name="height"/> in one batch; sizes that are not a multiple of the network's are padded.</summary>
    public byte[][] Segment(IReadOnlyList<float[]> slices, int width, int height) => [.. SegmentSlices(slices, width, height).Select(s => s.Labels)];

    /// <summary>As <see cref="Segment"/>, with each slice's confidence.</summary>
    public IReadOnlyList<SegmentedSlice> SegmentSlices(IReadOnlyList<float[]> slices, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(slices);
        if (slices.Count == 0)
        {
            return [];
        }

        using var results = Run(slices, width, height);
        return Decode(Output(results).Buffer.Span, slices.Count, width, height);
    }

    /// <summary>
    /// As <see cref="SegmentSlices"/> from one run, with the network's class probabilities as it returns them ([slice,
    /// class, y, x] over the padded size): for comparing two devices' outputs, not for the pipeline.
    /// </summary>
    public (IReadOnlyList<SegmentedSlice> Slices, float[] Probabilities) SegmentWithProbabilities(IReadOnlyList<float[]> slices, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(slices);
        using var results = Run(slices, width, height);
        var values = Output(results).Buffer;
        return (Decode(values.Span, slices.Count, width, height), values.ToArray());
    }

    /// <summary>Each pixel's most probable class, and each slice's confidence, from the network's output.</summary>
    private SegmentedSlice[] Decode(ReadOnlySpan<float> values, int count, int width, int height)
    {
        var (paddedW, paddedH) = Padded(width, height);
        var classes = Classes;
        var plane = paddedW * paddedH;
        var segmented = new SegmentedSlice[count];
        for (var n = 0; n < count; n++)
        {
            var slice = new byte[width * height];
            var offset = n * classes * plane;
            var (sure, anatomy) = (0.0, 0);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var p = (y * paddedW) + x;
                    var (best, bestValue) = (0, values[offset + p]);
                    for (var c = 1; c < classes; c++)
                    {
                        var value = values[offset + (c * plane) + p];
                        if (value > bestValue)
                        {
                            (best, bestValue) = (c, value);
                        }
                    }

                    slice[(y * width) + x] = (byte)best;
                    if (best is Anatomy.LabelSlice.Disc or Anatomy.LabelSlice.ThecalSac)
                    {
                        (sure, anatomy) = (sure + bestValue, anatomy + 1);
                    }
                }
            }

            segmented[n] = new SegmentedSlice(slice, anatomy == 0 ? 0 : sure / anatomy, anatomy);
        }

        return segmented;
    }

    private (int Width, int Height) Padded(int width, int height)
    {
        var multiple = Math.Max(1, _manifest.Input!.SizeMultiple);
        return (RoundUp(width, multiple), RoundUp(height, multiple));
    }

    /// <summary>One batch through the network, each slice copied into the top left of a padded plane.</summary>
    private IDisposableReadOnlyCollection<DisposableNamedOnnxValue> Run(IReadOnlyList<float[]> slices, int width, int height)
    {
        var (paddedW, paddedH) = Padded(width, height);
        var input = new DenseTensor<float>([slices.Count, 1, paddedH, paddedW]);
        var buffer = input.Buffer.Span;
        for (var n = 0; n < slices.Count; n++)
        {
            for (var y = 0; y < height; y++)
            {
                slices[n].AsSpan(y * width, width).CopyTo(buffer.Slice((((n * paddedH) + y) * paddedW), width));
            }
        }

        return Clock.Time(() => _session.Run([NamedOnnxValue.CreateFromTensor(_manifest.Input!.Name, input)]));
    }

    private DenseTensor<float> Output(IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results)
    {
        var probabilities = results.First(r => r.Name == _manifest.Output!.Name).AsTensor<float>();
        return probabilities as DenseTensor<float> ?? probabilities.ToDenseTensor();
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    public void Dispose() => _session.Dispose();
}
