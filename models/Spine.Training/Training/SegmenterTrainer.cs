using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spine.Training.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Spine.Training;

public sealed record SegmenterOptions
{
    public int Steps { get; init; } = 1500;
    public int BatchSize { get; init; } = 8;
    public int Crop { get; init; } = 160;
    public int BaseChannels { get; init; } = 16;
    public int Levels { get; init; } = 4;
    public double LearningRate { get; init; } = 2e-3;
    public int Seed { get; init; } = 1;
    public int Threads { get; init; } = 2;

    /// <summary>Called every <see cref="ReportEvery"/> steps with the step and the mean loss since the last report.</summary>
    public Action<int, double>? Progress { get; init; }
    public int ReportEvery { get; init; } = 25;

    /// <summary>Fraction of the cases (the highest seeds) held out to validate on after each epoch.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Where training-log.jsonl and the checkpoint of each epoch go; none if null.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Called after each epoch with the validation Dice.</summary>
    public Action<SegmenterEpochLog>? EpochProgress { get; init; }
}

/// <summary>One line of the segmenter's training-log.jsonl: the epoch's mean loss and the Dice of each structure on held-out slices.</summary>
public sealed record SegmenterEpochLog(int Epoch, int Step, double TrainingLoss, IReadOnlyDictionary<string, double> ValidationDice, double Seconds)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch,3}  step {Step,5}  loss {TrainingLoss:0.0000}  validation Dice: {string.Join("  ", ValidationDice.Select(d => $"{d.Key} {d.Value:0.000}"))}  {Seconds,6:0} s");
}

public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message) : base(message) { }

    public TrainingDivergedException() { }

    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Trains the V-Net on 2-D slices: cross-entropy plus soft Dice, Adam with a cosine schedule; augmentation by small
/// rotations, shifts, left-right flips (the labels have no side, so a flip needs no relabelling), intensity and noise;
/// Dice on held-out cases after each epoch.
/// </summary>
internal static class SegmenterTrainer
{
    public const int Classes = 5;
    private static readonly string[] StructureNames = ["intervertebral_disc", "posterior_element", "thecal_sac", "canal_and_foramina"];

    public static (VNet2d Model, IReadOnlyList<double> Losses) Train(SliceSet data, SegmenterOptions options)
    {
        torch.set_num_threads(options.Threads);
        torch.random.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        var (training, validation) = data.Split(options.ValidationFraction);
        var model = new VNet2d(Classes, options.BaseChannels, options.Levels);
        var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, options.Steps);
        var losses = new List<double>(options.Steps);
        var crop = Math.Min(options.Crop - (options.Crop % model.SizeMultiple), Math.Min(data.Width, data.Height) / model.SizeMultiple * model.SizeMultiple);
        var stepsPerEpoch = Math.Max(1, training.Count / options.BatchSize);
        var watch = Stopwatch.StartNew();
        var (window, epochLoss, epoch) = (0.0, 0.0, 0);
        TrainingLog.Start(options.CheckpointFolder);
        model.train();
        for (var step = 1; step <= options.Steps; step++)
        {
            var (images, labels) = Batch(training, options.BatchSize, crop, random);
            var loss = TrainingStep.Run(optimizer, step, () =>
            {
                var x = torch.tensor(images, [options.BatchSize, 1, crop, crop]);
                var y = torch.tensor(labels, [options.BatchSize, crop, crop]);
                var logits = model.forward(x);
                return nn.functional.cross_entropy(logits, y) + SoftDiceLoss(logits, y);
            });
            schedule.step();
            losses.Add(loss);
            (window, epochLoss) = (window + loss, epochLoss + loss);
            if (step % options.ReportEvery == 0)
            {
                options.Progress?.Invoke(step, window / options.ReportEvery);
                window = 0;
            }

            if (step % stepsPerEpoch == 0 || step == options.Steps)
            {
                var steps = step % stepsPerEpoch == 0 ? stepsPerEpoch : step % stepsPerEpoch;
                var log = new SegmenterEpochLog(++epoch, step, Math.Round(epochLoss / steps, 5), ValidationDice(model, validation, data.Width, data.Height), Math.Round(watch.Elapsed.TotalSeconds, 1));
                epochLoss = 0;
                options.EpochProgress?.Invoke(log);
                if (options.CheckpointFolder is { } folder)
                {
                    TrainingLog.Append(folder, JsonSerializer.Serialize(log, TrainingLogJsonContext.Default.SegmenterEpochLog));
                    model.save(Path.Combine(folder, "checkpoint.bin"));
                }
            }
        }

        model.eval();
        return (model, losses);
    }

    /// <summary>Dice of each structure over the held-out slices, the largest square all of them hold, in evaluation mode.</summary>
    private static IReadOnlyDictionary<string, double> ValidationDice(VNet2d model, IReadOnlyList<LabelledSlice> validation, int smallestWidth, int smallestHeight)
    {
        var size = Math.Min(smallestWidth, smallestHeight) / model.SizeMultiple * model.SizeMultiple;
        if (validation.Count == 0 || size == 0)
        {
            return new Dictionary<string, double>();
        }

        var (width, height) = (size, size);
        var squares = validation.Select(s => s.Centre(size)).ToList();

        model.eval();
        var (both, predicted, truth) = (new long[Classes], new long[Classes], new long[Classes]);
        const int Chunk = 4;
        for (var start = 0; start < validation.Count; start += Chunk)
        {
            var chunk = squares.Skip(start).Take(Chunk).ToList();
            var output = GcGuard.Run(() =>
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                var x = torch.tensor(chunk.SelectMany(s => s.Image).ToArray(), [chunk.Count, 1, height, width]);
                return model.forward(x).argmax(1).to_type(ScalarType.Byte).data<byte>().ToArray();
            });
            for (var n = 0; n < chunk.Count; n++)
            {
                var reference = chunk[n].Labels;
                for (var p = 0; p < reference.Length; p++)
                {
                    var (guess, actual) = (output[(n * reference.Length) + p], reference[p]);
                    predicted[guess]++;
                    truth[actual]++;
                    both[guess] += guess == actual ? 1 : 0;
                }
            }
        }

        model.train();
        return StructureNames.Select((name, i) => (name, label: i + 1)).ToDictionary(
            s => s.name,
            s => predicted[s.label] + truth[s.label] == 0 ? 1.0 : Math.Round(2.0 * both[s.label] / (predicted[s.label] + truth[s.label]), 4));
    }

    /// <summary>1 minus the mean soft Dice over the foreground labels.</summary>
    private static Tensor SoftDiceLoss(Tensor logits, Tensor labels)
    {
        var probabilities = nn.functional.softmax(logits, 1);
        var truth = nn.functional.one_hot(labels, Classes).permute(0, 3, 1, 2).to_type(ScalarType.Float32);
        var dims = new long[] { 0, 2, 3 };
        var intersection = (probabilities * truth).sum(dims);
        var sizes = probabilities.sum(dims) + truth.sum(dims);
        var dice = ((2 * intersection) + 1) / (sizes + 1);
        return 1 - dice.narrow(0, 1, Classes - 1).mean();
    }

    /// <summary>
    /// Crops around the image centre (the spine) rotated by up to 10 degrees and shifted, flipped left-right at random,
    /// with intensity jitter and noise; images sampled bilinearly, labels by nearest neighbour.
    /// </summary>
    private static (float[] Images, long[] Labels) Batch(IReadOnlyList<LabelledSlice> slices, int batch, int crop, Random random)
    {
        var images = new float[batch * crop * crop];
        var labels = new long[batch * crop * crop];
        for (var b = 0; b < batch; b++)
        {
            var slice = slices[random.Next(slices.Count)];
            var (width, height) = (slice.Width, slice.Height);
            var (cx, cy) = ((width / 2.0) + ((width - crop) / 3.0 * ((2 * random.NextDouble()) - 1)), (height / 2.0) + ((height - crop) / 3.0 * ((2 * random.NextDouble()) - 1)));
            var angle = 0.17 * ((2 * random.NextDouble()) - 1);
            var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
            var flip = random.Next(2) == 1;
            var scale = (float)(0.85 + (0.3 * random.NextDouble()));
            var shift = (float)(0.1 * ((2 * random.NextDouble()) - 1));
            var noise = (float)(0.03 * random.NextDouble());
            for (var y = 0; y < crop; y++)
            {
                var dy = y + 0.5 - (crop / 2.0);
                for (var x = 0; x < crop; x++)
                {
                    var dx = (flip ? crop - 1 - x : x) + 0.5 - (crop / 2.0);
                    var sx = cx + (dx * cos) - (dy * sin) - 0.5;
                    var sy = cy + (dx * sin) + (dy * cos) - 0.5;
                    var target = (b * crop * crop) + (y * crop) + x;
                    images[target] = (Bilinear(slice.Image, width, height, sx, sy) * scale) + shift + (noise * (float)((2 * random.NextDouble()) - 1));
                    var (nx, ny) = ((int)Math.Round(sx), (int)Math.Round(sy));
                    labels[target] = (uint)nx < (uint)width && (uint)ny < (uint)height ? slice.Labels[(ny * width) + nx] : 0;
                }
            }
        }

        return (images, labels);
    }

    private static float Bilinear(float[] image, int width, int height, double x, double y)
    {
        var (x0, y0) = ((int)Math.Floor(x), (int)Math.Floor(y));
        var (fx, fy) = ((float)(x - x0), (float)(y - y0));
        float At(int i, int j) => (uint)i < (uint)width && (uint)j < (uint)height ? image[(j * width) + i] : 0f;
        return (((At(x0, y0) * (1 - fx)) + (At(x0 + 1, y0) * fx)) * (1 - fy)) + (((At(x0, y0 + 1) * (1 - fx)) + (At(x0 + 1, y0 + 1) * fx)) * fy);
    }

    internal static string Describe(Stopwatch watch, int steps) =>
        string.Create(CultureInfo.InvariantCulture, $"{steps} steps in {watch.Elapsed.TotalSeconds:0} s ({watch.Elapsed.TotalMilliseconds / Math.Max(1, steps):0} ms per step)");
}
