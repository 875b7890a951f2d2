using System.Diagnostics;
using System.Globalization;
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
}

public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message) : base(message) { }

    public TrainingDivergedException() { }

    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>Trains the V-Net on 2-D slices with cross-entropy plus soft Dice, intensity and flip augmentation.</summary>
internal static class SegmenterTrainer
{
    public const int Classes = 5;

    public static (VNet2d Model, IReadOnlyList<double> Losses) Train(SliceSet data, SegmenterOptions options)
    {
        torch.set_num_threads(options.Threads);
        torch.random.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        var model = new VNet2d(Classes, options.BaseChannels, options.Levels);
        var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, options.Steps);
        var losses = new List<double>(options.Steps);
        var crop = Math.Min(options.Crop - (options.Crop % model.SizeMultiple), Math.Min(data.Width, data.Height) / model.SizeMultiple * model.SizeMultiple);
        model.train();
        var window = 0.0;
        for (var step = 1; step <= options.Steps; step++)
        {
            var (images, labels) = Batch(data, options.BatchSize, crop, random);
            var loss = TrainingStep.Run(optimizer, step, () =>
            {
                var x = torch.tensor(images, [options.BatchSize, 1, crop, crop]);
                var y = torch.tensor(labels, [options.BatchSize, crop, crop]);
                var logits = model.forward(x);
                return nn.functional.cross_entropy(logits, y) + SoftDiceLoss(logits, y);
            });
            schedule.step();
            losses.Add(loss);
            window += loss;
            if (step % options.ReportEvery == 0)
            {
                options.Progress?.Invoke(step, window / options.ReportEvery);
                window = 0;
            }
        }

        model.eval();
        return (model, losses);
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

    /// <summary>Random crops around the image centre (the spine), random left-right flips (the labels have no side), intensity jitter and noise.</summary>
    private static (float[] Images, long[] Labels) Batch(SliceSet data, int batch, int crop, Random random)
    {
        var images = new float[batch * crop * crop];
        var labels = new long[batch * crop * crop];
        for (var b = 0; b < batch; b++)
        {
            var (image, label) = data.Slices[random.Next(data.Slices.Count)];
            var maxX = data.Width - crop;
            var maxY = data.Height - crop;
            var x0 = Math.Clamp((maxX / 2) + random.Next(-maxX / 3, (maxX / 3) + 1), 0, maxX);
            var y0 = Math.Clamp((maxY / 2) + random.Next(-maxY / 3, (maxY / 3) + 1), 0, maxY);
            var flip = random.Next(2) == 1;
            var scale = (float)(0.85 + (0.3 * random.NextDouble()));
            var shift = (float)(0.1 * ((2 * random.NextDouble()) - 1));
            var noise = (float)(0.03 * random.NextDouble());
            for (var y = 0; y < crop; y++)
            {
                for (var x = 0; x < crop; x++)
                {
                    var sx = flip ? x0 + crop - 1 - x : x0 + x;
                    var source = ((y0 + y) * data.Width) + sx;
                    var target = (b * crop * crop) + (y * crop) + x;
                    images[target] = (image[source] * scale) + shift + (noise * (float)((2 * random.NextDouble()) - 1));
                    labels[target] = label[source];
                }
            }
        }

        return (images, labels);
    }

    internal static string Describe(Stopwatch watch, int steps) =>
        string.Create(CultureInfo.InvariantCulture, $"{steps} steps in {watch.Elapsed.TotalSeconds:0} s ({watch.Elapsed.TotalMilliseconds / Math.Max(1, steps):0} ms per step)");
}
