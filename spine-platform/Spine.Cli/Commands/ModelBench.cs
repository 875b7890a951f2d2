using System.CommandLine;
using System.Globalization;
using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Phantom;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench models</c>: ONNX Runtime latency on this machine's CPU of the segmenter per slice and of each grader
/// per region, alone (batch 1) and batched as the pipeline batches them, the batched figure as a ratio to the single one.
/// </summary>
internal static class ModelBench
{
    public static Command Create()
    {
        var models = ModelsOption.Create();
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per case (after a warm-up run); the median is reported.", DefaultValueFactory = _ => 20 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads.", DefaultValueFactory = _ => 2 };
        var command = new Command("models", "Latency of each reference model under ONNX Runtime on the CPU: segmenter per 320x320 slice, graders per region.") { models, repeat, threads };
        command.SetAction(parse =>
        {
            if (ModelsOption.Check("bench models", parse.GetValue(models)!) is { } exitCode)
            {
                return exitCode;
            }

            using var set = ModelSet.Load(parse.GetValue(models)!.FullName, parse.GetValue(threads));
            return CommandProgress.Bench("models", 5, step =>
            {
                Run(set, parse.GetValue(repeat), parse.GetValue(threads), step);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static void Run(ModelSet set, int repeat, int threads, Action step)
    {
        // A phantom slab gives realistic input; latency does not depend on the values, but the crops should be real ones.
        var slab = PhantomGenerator.Generate(new PhantomOptions { Seed = 31337, Distractors = false }).Slabs[3];
        var image = Normalization.PercentileScale(slab.Image);
        var slice = image.Slice(image.SizeK / 2).ToArray();
        var labels = LabelSlice.Of(slab.Labels, image.SizeK / 2, v => v);
        var frame = AnatomicalFrame.Of(labels);
        var g = image.Geometry;
        float[] Crop(GraderSession grader, RegionKind kind) =>
            RegionCrop.Sample(slice, image.SizeI, image.SizeJ, g.SpacingI, g.SpacingJ, frame, Side.Left, frame.CentreX, frame.CentreY, new CropSpec(kind, grader.Crop.SizeMm, grader.Crop.Pixels));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ONNX Runtime on the CPU, {threads} intra-op threads, median of {repeat} runs after a warm-up run."));
        Console.WriteLine();
        Console.WriteLine("| model | unit | batch 1 (ms per unit) | batched | batched (ms per unit) | ratio batched / batch 1 |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        void Report(string name, string unit, int batch, Func<int, Action> run)
        {
            var single = BenchTiming.MedianMilliseconds(repeat, run(1));
            var batched = BenchTiming.MedianMilliseconds(repeat, run(batch)) / batch;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {unit} | {single:0.00} | {batch} | {batched:0.00} | {batched / single:0.00} |"));
            step();
        }

        var model = set.Segmenter.Model.Manifest;
        Report($"{model.Name} {model.Version}", "320x320 slice", image.SizeK,
            batch => () => set.Segmenter.Segment(Enumerable.Repeat(slice, batch).ToList(), image.SizeI, image.SizeJ));
        foreach (var (grader, kind) in new[] { (set.CentralCanal, RegionKind.CentralCanal), (set.Foramen, RegionKind.Foramen), (set.Facet, RegionKind.Facet) })
        {
            var crop = Crop(grader, kind);
            Report($"{grader.Model.Manifest.Name} {grader.Model.Manifest.Version}", $"{grader.Crop.Pixels}x{grader.Crop.Pixels} region", 10,
                batch => () => grader.Grade(Enumerable.Repeat(crop, batch).ToList()));
        }

        var features = LevelMeasurements.Of(labels, frame).Features(set.CanalTree.FeatureNames);
        var tree = set.CanalTreeModel.Manifest;
        var perLevel = BenchTiming.MedianMilliseconds(repeat, () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                set.CanalTree.Predict(features);
            }
        }) / 1000;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {tree.Name} {tree.Version} | level (C#, no ONNX) | {perLevel:0.0000} | - | - | - |"));
        step();
    }
}
