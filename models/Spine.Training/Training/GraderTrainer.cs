using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spine.Analysis.Models;
using Spine.Evaluation;
using Spine.Training.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Spine.Training;

public sealed record GraderOptions
{
    public int Steps { get; init; } = 1200;
    public int BatchSize { get; init; } = 32;
    public int Width { get; init; } = 16;
    public int BlocksPerStage { get; init; } = 1;
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; } = 1e-4;
    public int Seed { get; init; } = 1;
    public int Threads { get; init; } = 2;

    /// <summary>Fraction of the training studies held out to validate on after each epoch.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Where the epoch log (training-log.jsonl) and the checkpoint of each epoch go; none if null.</summary>
    public string? CheckpointFolder { get; init; }

    public Action<EpochLog>? Progress { get; init; }
}

/// <summary>One line of training-log.jsonl: how an epoch went, on the training crops and on the held-out studies.</summary>
public sealed record EpochLog(int Epoch, int Step, double TrainingLoss, double ValidationLoss, double ValidationAccuracy, double ValidationKappa, double? ValidationAuroc, double Seconds)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch,3}  step {Step,5}  loss {TrainingLoss:0.0000}  validation: loss {ValidationLoss:0.0000}  accuracy {ValidationAccuracy:0.000}  kappa {ValidationKappa:0.000}  AUROC {ValidationAuroc:0.000}  {Seconds,6:0} s");
}


/// <summary>
/// Trains a BiT-style grader on region crops: cross-entropy, AdamW with a cosine schedule, rotation, shift, intensity
/// and noise augmentation (central canal crops also mirrored: the canal has no side), validation after every epoch.
/// </summary>
internal static class GraderTrainer
{
    public static BitGrader Train(GraderSampleSet data, GraderOptions options)
    {
        torch.set_num_threads(options.Threads);
        torch.random.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        var (training, validation) = data.Split(options.ValidationFraction);
        var model = new BitGrader(options.Width, options.BlocksPerStage);
        var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, options.Steps);
        var size = data.Spec.Pixels;
        var stepsPerEpoch = Math.Max(1, training.Count / options.BatchSize);
        var mirror = data.Spec.Region == Spine.Analysis.Anatomy.RegionKind.CentralCanal;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (epochLoss, epochSteps, epoch) = (0.0, 0, 0);
        TrainingLog.Start(options.CheckpointFolder);
        model.train();
        for (var step = 1; step <= options.Steps; step++)
        {
            var (images, grades) = Batch(training, data.PaddedPixels, size, options.BatchSize, mirror, random);
            var loss = TrainingStep.Run(optimizer, step, () =>
                nn.functional.cross_entropy(model.forward(torch.tensor(images, [options.BatchSize, 1, size, size])), torch.tensor(grades, [options.BatchSize])));
            schedule.step();
            (epochLoss, epochSteps) = (epochLoss + loss, epochSteps + 1);
            if (step % stepsPerEpoch == 0 || step == options.Steps)
            {
                epoch++;
                var log = Validate(model, validation, data.PaddedPixels, size) with { Epoch = epoch, Step = step, TrainingLoss = Math.Round(epochLoss / epochSteps, 5), Seconds = Math.Round(watch.Elapsed.TotalSeconds, 1) };
                (epochLoss, epochSteps) = (0, 0);
                options.Progress?.Invoke(log);
                if (options.CheckpointFolder is { } folder)
                {
                    TrainingLog.Append(folder, JsonSerializer.Serialize(log, TrainingLogJsonContext.Default.EpochLog));
                    model.save(Path.Combine(folder, "checkpoint.bin"));
                }
            }
        }

        model.eval();
        return model;
    }

    /// <summary>Loss, accuracy, weighted kappa and AUROC (moderate or worse) on the held-out mid slices, unaugmented.</summary>
    private static EpochLog Validate(BitGrader model, IReadOnlyList<GraderSample> validation, int paddedSize, int size)
    {
        var predictions = Predict(model, validation, paddedSize, size);
        var truth = validation.Select(s => s.Grade).ToList();
        var predicted = predictions.Select(p => Array.IndexOf(p, p.Max())).ToList();
        var loss = validation.Zip(predictions).Sum(pair => -Math.Log(Math.Max(1e-12, pair.Second[pair.First.Grade])));
        var exact = truth.Zip(predicted).Count(t => t.First == t.Second) / (double)Math.Max(1, truth.Count);
        return new EpochLog(0, 0, 0, Math.Round(loss / Math.Max(1, truth.Count), 5), Math.Round(exact, 4),
            Math.Round(Metrics.LinearWeightedKappa(truth, predicted), 4),
            Metrics.Auroc(truth.Select(g => g >= 2).ToList(), [.. predictions.Select(p => (double)(p[2] + p[3]))]) is { } auroc ? Math.Round(auroc, 4) : null, 0);
    }

    /// <summary>
    /// Temperature scaling (Guo et al. 2017) on the held-out studies: the temperature that makes the grade probabilities
    /// most likely there, so that a probability of 0.7 means 70 %; written into model.json and applied at inference.
    /// </summary>
    public static double FitTemperature(BitGrader model, GraderSampleSet data, GraderOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var (_, validation) = data.Split(options.ValidationFraction);
        if (validation.Count == 0)
        {
            return 1;
        }

        var predictions = Predict(model, validation, data.PaddedPixels, data.Spec.Pixels);
        double LogLoss(double temperature) => validation.Zip(predictions)
            .Average(pair => -Math.Log(Math.Max(1e-12, GraderSession.Calibrated(pair.Second, temperature)[pair.First.Grade])));

        // A coarse log-spaced search, then a finer one around the best: the loss is smooth and has one minimum in T.
        var best = Enumerable.Range(0, 41).Select(i => Math.Pow(10, -0.7 + (i * 0.05))).MinBy(LogLoss);
        best = Enumerable.Range(-10, 21).Select(i => best * Math.Pow(10, i * 0.005)).MinBy(LogLoss);
        model.train();
        return Math.Round(best, 4);
    }

    /// <summary>The model's grade probabilities for samples, unaugmented, in evaluation mode.</summary>
    private static List<float[]> Predict(BitGrader model, IReadOnlyList<GraderSample> samples, int paddedSize, int size)
    {
        model.eval();
        var predictions = new List<float[]>(samples.Count);
        const int Chunk = 64;
        for (var start = 0; start < samples.Count; start += Chunk)
        {
            var chunk = samples.Skip(start).Take(Chunk).ToList();
            var images = new float[chunk.Count * size * size];
            for (var n = 0; n < chunk.Count; n++)
            {
                GraderSampleSet.Cut(chunk[n].Padded, paddedSize, images.AsSpan(n * size * size, size * size), size, 0, 0, 0, false);
            }

            var probabilities = GcGuard.Run(() =>
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                using var x = torch.tensor(images, [chunk.Count, 1, size, size]);
                return nn.functional.softmax(model.forward(x), 1).data<float>().ToArray();
            });
            for (var n = 0; n < chunk.Count; n++)
            {
                predictions.Add(probabilities[(n * BitGrader.Grades)..((n + 1) * BitGrader.Grades)]);
            }
        }

        model.train();
        return predictions;
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        var max = values[0];
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }

    private static (float[] Images, long[] Grades) Batch(IReadOnlyList<GraderSample> samples, int paddedSize, int size, int batch, bool mirror, Random random)
    {
        var images = new float[batch * size * size];
        var grades = new long[batch];
        for (var b = 0; b < batch; b++)
        {
            var sample = samples[random.Next(samples.Count)];
            grades[b] = sample.Grade;
            var crop = images.AsSpan(b * size * size, size * size);
            var rotation = 0.17 * ((2 * random.NextDouble()) - 1); // about 10 degrees
            var maxShift = size / 20.0;
            GraderSampleSet.Cut(sample.Padded, paddedSize, crop, size, rotation,
                maxShift * ((2 * random.NextDouble()) - 1), maxShift * ((2 * random.NextDouble()) - 1), mirror && random.Next(2) == 1);
            var scale = (float)(0.85 + (0.3 * random.NextDouble()));
            var shift = (float)(0.1 * ((2 * random.NextDouble()) - 1));
            var noise = (float)(0.03 * random.NextDouble());
            for (var p = 0; p < crop.Length; p++)
            {
                crop[p] = (crop[p] * scale) + shift + (noise * (float)((2 * random.NextDouble()) - 1));
            }
        }

        return (images, grades);
    }
}
