using System.CommandLine;
using System.Globalization;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Imaging;
using Spine.Phantom;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench cuda</c>: the segmenter on CUDA against the CPU. Parity on every slice of a phantom study (the
/// largest difference of any class probability, and the Dice of each structure's label map) and latency per slice at
/// several batch sizes beside the CPU at batch 1. <c>--device cpu</c> runs the same on the CPU, so that the bench and the
/// GPU check script (tests/gpu/check.sh) are exercised on machines without a GPU.
/// </summary>
internal static class CudaBench
{
    private const double ProbabilityTolerance = 1e-3;
    private const double DiceAim = 0.999;

    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cuda, or cpu to rehearse on a machine without a GPU.", DefaultValueFactory = _ => "cuda" };
        device.AcceptOnlyFromAmong("cuda", "cpu");
        var batches = new Option<int[]>("--batches") { Description = "Batch sizes to time (slices per run).", DefaultValueFactory = _ => [1, 8, 32, 128], AllowMultipleArgumentsPerToken = true };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per batch size (after a warm-up run); the median is reported.", DefaultValueFactory = _ => 5 };
        var models = ModelsOption.Create();
        var command = new Command("cuda", "The segmenter on CUDA against the CPU: probabilities within 1e-3 and label maps with Dice >= 0.999 on a phantom study, and latency per slice at batch 1, 8, 32 and 128.")
        {
            device, batches, repeat, models,
        };
        command.SetAction(parse =>
        {
            if (ModelsOption.Check("bench cuda", parse.GetValue(models)!) is { } refused)
            {
                return refused;
            }

            var sizes = parse.GetValue(batches)!.Where(b => b > 0).Distinct().Order().ToArray();
            var onDevice = parse.GetValue(device) == "cuda" ? OnnxDevice.Cuda : OnnxDevice.Cpu;
            return CommandProgress.Bench("parity, batch sizes", sizes.Length + 1, step => Run(parse.GetValue(models)!.FullName, onDevice, sizes, Math.Max(1, parse.GetValue(repeat)), step));
        });
        return command;
    }

    private static int Run(string models, OnnxDevice device, int[] batches, int repeat, Action step)
    {
        var folder = ModelSet.FindAll(models)[ModelTasks.Segmentation];
        using var cpu = new SegmenterSession(folder);
        SegmenterSession tested;
        try
        {
            tested = new SegmenterSession(folder, device: device);
        }
        catch (OnnxDeviceException ex)
        {
            Console.Error.WriteLine($"spine bench cuda: {ex.Message}");
            return ExitCodes.Configuration;
        }

        using (tested)
        {
            var study = PhantomGenerator.Generate(new PhantomOptions { Seed = 4040, Distractors = false });
            var parity = Parity.Of(study, cpu, tested);
            step();

            var slab = study.Slabs[study.Slabs.Count / 2];
            var image = Normalization.PercentileScale(slab.Image);
            var slice = image.Slice(image.SizeK / 2).ToArray();
            var reference = BenchTiming.MedianMilliseconds(repeat, () => cpu.Segment([slice], image.SizeI, image.SizeJ));
            var rows = new List<(int Batch, double PerSlice)>();
            foreach (var batch in batches)
            {
                var input = Enumerable.Repeat(slice, batch).ToList();
                rows.Add((batch, BenchTiming.MedianMilliseconds(repeat, () => tested.Segment(input, image.SizeI, image.SizeJ)) / batch));
                step();
            }

            var manifest = folder.Manifest;
            var met = parity.LargestDifference <= ProbabilityTolerance && parity.LowestDice >= DiceAim;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{manifest.Name} {manifest.Version} on {device} against the CPU (2 intra-op threads): parity on the {parity.Slices} slices of a phantom study ({image.SizeI}x{image.SizeJ}); latency per slice, median of {repeat} runs after a warm-up."));
            Console.WriteLine();
            Console.WriteLine("| check | measured | aim | met |");
            Console.WriteLine("| --- | ---: | ---: | --- |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| largest difference of a class probability, {device} vs CPU | {parity.LargestDifference:0.0e+0} | <= {ProbabilityTolerance:0e+0} | {(parity.LargestDifference <= ProbabilityTolerance ? "yes" : "no")} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| lowest Dice of a structure's label map, {device} vs CPU ({parity.LowestDiceStructure}) | {parity.LowestDice:0.0000} | >= {DiceAim} | {(parity.LowestDice >= DiceAim ? "yes" : "no")} |"));
            Console.WriteLine();
            Console.WriteLine($"| batch (slices per run) | {device}: ms per slice | slices per second | ratio to the CPU at batch 1 |");
            Console.WriteLine("| ---: | ---: | ---: | ---: |");
            foreach (var (batch, perSlice) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {batch} | {perSlice:0.00} | {1000 / perSlice:0} | {perSlice / reference:0.000} |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| CPU at batch 1 (reference) | {reference:0.00} | {1000 / reference:0} | 1.000 |"));
            return met ? ExitCodes.Success : ExitCodes.Failure;
        }
    }

    /// <summary>How far the tested session's output is from the CPU's on every slice of a study.</summary>
    private sealed record Parity(int Slices, double LargestDifference, double LowestDice, string LowestDiceStructure)
    {
        public static Parity Of(PhantomStudy study, SegmenterSession cpu, SegmenterSession tested)
        {
            var (slices, largest) = (0, 0.0);
            var overlap = new long[cpu.Classes];
            var sizes = new long[cpu.Classes];
            foreach (var slab in study.Slabs)
            {
                var image = Normalization.PercentileScale(slab.Image);
                var input = Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList();
                var expected = cpu.SegmentWithProbabilities(input, image.SizeI, image.SizeJ);
                var actual = tested.SegmentWithProbabilities(input, image.SizeI, image.SizeJ);
                for (var i = 0; i < expected.Probabilities.Length; i++)
                {
                    largest = Math.Max(largest, Math.Abs(expected.Probabilities[i] - actual.Probabilities[i]));
                }

                for (var n = 0; n < input.Count; n++)
                {
                    for (var p = 0; p < expected.Slices[n].Labels.Length; p++)
                    {
                        var (e, a) = (expected.Slices[n].Labels[p], actual.Slices[n].Labels[p]);
                        sizes[e]++;
                        sizes[a]++;
                        overlap[e] += e == a ? 2 : 0;
                    }
                }

                slices += input.Count;
            }

            // Background (class 0) is left out: it would hide a difference in the structures.
            var dice = Enumerable.Range(1, cpu.Classes - 1).Where(c => sizes[c] > 0).Select(c => (Class: c, Dice: (double)overlap[c] / sizes[c])).MinBy(d => d.Dice);
            return new Parity(slices, largest, dice.Dice, dice.Class switch
            {
                LabelSlice.Disc => "disc",
                LabelSlice.PosteriorElement => "posterior elements",
                LabelSlice.ThecalSac => "thecal sac",
                LabelSlice.CanalAndForamina => "canal and foramina",
                var other => $"class {other}",
            });
        }
    }
}
