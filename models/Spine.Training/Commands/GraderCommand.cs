using System.CommandLine;
using Spine.Analysis.Anatomy;

namespace Spine.Training.Commands;

/// <summary><c>spine-train grader --region central-canal|foramen|facet</c>: trains one BiT-style grader and exports it.</summary>
internal static class GraderCommand
{
    public static Command Create()
    {
        var region = new Option<string>("--region") { Description = "central-canal, foramen or facet.", Required = true };
        region.AcceptOnlyFromAmong("central-canal", "foramen", "facet");
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Training set in the nnU-Net layout with grades.json (spine phantom dataset writes one).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Model folder to write (model.onnx, model.json, checkpoint.bin, training-log.jsonl).", Required = true };
        var defaults = new GraderOptions();
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch") { Description = "Crops per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var width = new Option<int>("--width") { Description = "Channels of the first stage (doubled at each of the next two).", DefaultValueFactory = _ => defaults.Width };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation and sampling.", DefaultValueFactory = _ => defaults.Seed };
        var learningRate = new Option<double>("--learning-rate") { Description = "AdamW's initial learning rate (cosine schedule to zero).", DefaultValueFactory = _ => defaults.LearningRate };
        var threads = new Option<int>("--threads") { Description = "Threads libtorch may use.", DefaultValueFactory = _ => defaults.Threads };
        var limit = new Option<int?>("--limit-cases") { Description = "Use only the first N cases (smoke runs)." };
        var version = new Option<string>("--version") { Description = "Version written into model.json.", DefaultValueFactory = _ => "0.1.0" };
        var command = new Command("grader", "Train a BiT-style grader (central canal, foramen or facet; right-side regions mirrored onto the left) on crops located from the masks, and export it to ONNX.")
        {
            region, dataset, output, steps, batch, width, seed, learningRate, threads, limit, version,
        };
        command.SetAction(parse =>
        {
            var kind = Parse(parse.GetValue(region)!);
            var folder = parse.GetValue(output)!.FullName;
            var options = new GraderOptions
            {
                Steps = parse.GetValue(steps),
                BatchSize = parse.GetValue(batch),
                Width = parse.GetValue(width),
                Seed = parse.GetValue(seed),
                LearningRate = parse.GetValue(learningRate),
                Threads = parse.GetValue(threads),
                CheckpointFolder = folder,
            };
            return Run(kind, parse.GetValue(dataset)!.FullName, folder, parse.GetValue(version)!, options, parse.GetValue(limit));
        });
        return command;
    }

    public static RegionKind Parse(string region) => region switch
    {
        "central-canal" => RegionKind.CentralCanal,
        "foramen" => RegionKind.Foramen,
        _ => RegionKind.Facet,
    };

    public static int Run(RegionKind kind, string dataset, string folder, string version, GraderOptions options, int? limitCases = null, string indent = "")
    {
        var data = GraderSampleSet.Load(dataset, kind, limitCases);
        Console.WriteLine($"{data.Samples.Count} {GraderExport.RegionName(kind)} crops from {Path.GetFileName(dataset)}"
            + (kind == RegionKind.CentralCanal ? string.Empty : $" ({data.LocatedFromMasks} located from the masks, {data.PlacedByPrior} placed by prior)"));
        Networks.BitGrader model;
        try
        {
            model = TrainingProgress.Grader(GraderExport.RegionName(kind), data, options, indent);
        }
        catch (TrainingDivergedException ex)
        {
            Console.Error.WriteLine($"spine-train: {ex.Message}");
            return 1;
        }

        var temperature = GraderTrainer.FitTemperature(model, data, options);
        Console.WriteLine($"temperature {temperature} (fitted on the held-out studies)");
        var manifest = GraderExport.Write(model, data.Spec, folder, version, temperature,
            $"Synthetic phantoms only: {data.Samples.Count} {GraderExport.RegionName(kind)} crops ({data.Samples.Select(s => s.Seed).Distinct().Count()} studies) from {Path.GetFileName(dataset)} (Spine.Phantom). Not clinically validated.");
        Console.WriteLine($"model.onnx sha256 {manifest.Sha256}");
        return 0;
    }
}
