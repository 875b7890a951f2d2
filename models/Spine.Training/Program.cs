using System.CommandLine;
using System.Diagnostics;
using Spine.Training;

var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Training set in the nnU-Net layout (spine phantom dataset writes one).", Required = true };
var output = new Option<DirectoryInfo>("--out") { Description = "Model folder to write (model.onnx, model.json, checkpoint.bin).", Required = true };
var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => new SegmenterOptions().Steps };
var batch = new Option<int>("--batch") { Description = "Slices per step.", DefaultValueFactory = _ => new SegmenterOptions().BatchSize };
var crop = new Option<int>("--crop") { Description = "Square crop size in pixels.", DefaultValueFactory = _ => new SegmenterOptions().Crop };
var channels = new Option<int>("--channels") { Description = "Channels of the first level.", DefaultValueFactory = _ => new SegmenterOptions().BaseChannels };
var seed = new Option<int>("--seed") { Description = "Seed of initialisation and sampling.", DefaultValueFactory = _ => 1 };
var learningRate = new Option<double>("--learning-rate") { Description = "Adam's initial learning rate (cosine schedule to zero).", DefaultValueFactory = _ => new SegmenterOptions().LearningRate };
var threads = new Option<int>("--threads") { Description = "Threads libtorch may use.", DefaultValueFactory = _ => new SegmenterOptions().Threads };
var version = new Option<string>("--version") { Description = "Version written into model.json.", DefaultValueFactory = _ => "0.1.0" };

var segmenter = new Command("segmenter", "Train the 2-D V-Net segmenter (disc, posterior element, thecal sac, canal and foramina) and export it to ONNX.")
{
    dataset, output, steps, batch, crop, channels, seed, learningRate, threads, version,
};
segmenter.SetAction(parse =>
{
    var data = SliceSet.Load(parse.GetValue(dataset)!.FullName);
    var watch = Stopwatch.StartNew();
    var options = new SegmenterOptions
    {
        Steps = parse.GetValue(steps),
        BatchSize = parse.GetValue(batch),
        Crop = parse.GetValue(crop),
        BaseChannels = parse.GetValue(channels),
        Seed = parse.GetValue(seed),
        Threads = parse.GetValue(threads),
        LearningRate = parse.GetValue(learningRate),
        CheckpointFolder = parse.GetValue(output)!.FullName,
    };
    Spine.Training.Networks.VNet2d model;
    try
    {
        (model, _) = Spine.Training.Commands.TrainingProgress.Segmenter(data, options);
    }
    catch (TrainingDivergedException ex)
    {
        Console.Error.WriteLine($"spine-train: {ex.Message}");
        return 1;
    }

    Console.WriteLine(SegmenterTrainer.Describe(watch, options.Steps));
    var manifest = SegmenterExport.Write(model, parse.GetValue(output)!.FullName, "spine-vnet-segmenter", parse.GetValue(version)!, 0.6875,
        $"Synthetic phantoms only: {data.Slices.Count} axial slices from {parse.GetValue(dataset)!.Name} (Spine.Phantom). Not clinically validated.");
    Console.WriteLine($"model.onnx sha256 {manifest.Sha256}");
    return 0;
});

var treeDataset = new Option<DirectoryInfo>("--dataset") { Description = "Training set (spine phantom dataset): its grades.json holds measurements and grades.", Required = true };
var treeTest = new Option<DirectoryInfo?>("--test") { Description = "A dataset from other seeds to evaluate on." };
var treeOutput = new Option<DirectoryInfo>("--out") { Description = "Model folder to write (tree.json, model.json).", Required = true };
var treeVersion = new Option<string>("--version") { Description = "Version written into model.json.", DefaultValueFactory = _ => "0.1.0" };
var canalTree = new Command("canal-tree", "Learn the interpretable central canal grader: a decision tree on measurements of the reference masks, its features, depth and leaf smoothing chosen by cross-validation over the training studies.")
{
    treeDataset, treeTest, treeOutput, treeVersion,
};
canalTree.SetAction(parse =>
{
    var training = CanalTreeTrainer.Measure(parse.GetValue(treeDataset)!.FullName);
    var (tree, choice, _) = CanalTreeTrainer.Train(training);
    Console.WriteLine($"chosen by cross-validation: {choice}");
    var evaluation = parse.GetValue(treeTest) is { } test ? CanalTreeTrainer.Evaluate(tree, CanalTreeTrainer.Measure(test.FullName)) : null;
    CanalTreeTrainer.Write(tree, parse.GetValue(treeOutput)!.FullName, parse.GetValue(treeVersion)!,
        $"Synthetic phantoms only: {training.Count} levels measured on their reference masks from {parse.GetValue(treeDataset)!.Name} (Spine.Phantom). Not clinically validated.", evaluation);
    Console.WriteLine(evaluation is null
        ? $"tree trained on {training.Count} levels"
        : FormattableString.Invariant($"tree trained on {training.Count} levels; on {evaluation.Cases} unseen levels: weighted kappa {evaluation.LinearWeightedKappa:0.000}, AUROC (moderate or worse) {evaluation.SignificantAuroc:0.000}, exact {evaluation.ExactAgreement:0.000}"));
    return 0;
});

var evalModel = new Option<DirectoryInfo>("--model") { Description = "Model folder (model.json, model.onnx).", Required = true };
var evalDataset = new Option<DirectoryInfo>("--dataset") { Description = "Labelled dataset in the nnU-Net layout.", Required = true };
var evaluateSegmenter = new Command("evaluate-segmenter", "Dice per structure of an exported segmenter, run by ONNX Runtime, on a labelled dataset.") { evalModel, evalDataset };
evaluateSegmenter.SetAction(parse =>
{
    var scores = SegmenterEvaluation.Evaluate(parse.GetValue(evalModel)!.FullName, parse.GetValue(evalDataset)!.FullName);
    Console.WriteLine($"{scores.Cases} cases, {scores.Slices} slices");
    foreach (var (structure, dice) in scores.Dice)
    {
        Console.WriteLine(FormattableString.Invariant($"Dice {structure,-22} {dice:0.0000}"));
    }

    return 0;
});

var root = new RootCommand("spine-train: trains Spine Platform's models on TorchSharp (CPU) and exports them to ONNX.") { segmenter, canalTree, evaluateSegmenter, Spine.Training.Commands.GraderCommand.Create(), Spine.Training.Commands.RetrainAllCommand.Create(), Spine.Training.Commands.RetrainAllCommand.CreateCards() };
return await root.Parse(args).InvokeAsync();
