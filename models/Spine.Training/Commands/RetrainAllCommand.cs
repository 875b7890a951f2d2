using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spine.Analysis.Anatomy;
using Spine.Evaluation;
using Spine.Analysis.Models;
using Spine.Cli.Commands;
using Spine.Phantom;

namespace Spine.Training.Commands;

/// <summary>
/// <c>spine-train all</c>: generates fresh phantom training and test sets, trains every reference model (segmenter,
/// decision tree, three graders), evaluates them together as <c>spine evaluate</c> does, and writes the numbers into
/// each model.json and MODEL_CARD.md, with models/EVALUATION.md.
/// </summary>
internal static class RetrainAllCommand
{
    public sealed record Plan(string ModelsRoot, string Work, int TrainStudies, int TestStudies, int TrainSeed, int TestSeed, string Version,
        int SegmenterSteps, int GraderSteps, int Threads, int StandardStudies = 30, int StandardSeed = 950000);

    /// <summary>Training studies: phantom 2.0, every other study of the hard profile, the rest standard, so the models meet every variant and acquisition.</summary>
    public static PhantomOptions TrainingStudy(int seed) => new() { Profile = seed % 2 == 0 ? PhantomProfile.Hard : PhantomProfile.Standard };

    /// <summary>The test set the figures are quoted on: phantom 2.0's hard profile.</summary>
    public static PhantomOptions TestStudy(int seed) => new() { Profile = PhantomProfile.Hard };

    /// <summary>A second test set of typical clinical studies: the standard profile.</summary>
    public static PhantomOptions StandardStudy(int seed) => new() { Profile = PhantomProfile.Standard };

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Models folder to write NAME/VERSION/ into.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var work = new Option<DirectoryInfo>("--work") { Description = "Scratch folder for the generated datasets.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".spine", "retrain")) };
        var trainStudies = new Option<int>("--train-studies") { Description = "Phantom studies to train on (five levels each).", DefaultValueFactory = _ => 100 };
        var testStudies = new Option<int>("--test-studies") { Description = "Phantom studies to evaluate on.", DefaultValueFactory = _ => 50 };
        var trainSeed = new Option<int>("--train-seed") { Description = "Seed of the first training study.", DefaultValueFactory = _ => 100000 };
        var testSeed = new Option<int>("--test-seed") { Description = "Seed of the first test study (never trained on).", DefaultValueFactory = _ => 900000 };
        var version = new Option<string>("--version") { Description = "Version of every model written.", DefaultValueFactory = _ => "0.1.0" };
        var segmenterSteps = new Option<int>("--segmenter-steps") { Description = "Segmenter training steps.", DefaultValueFactory = _ => 1200 };
        var graderSteps = new Option<int>("--grader-steps") { Description = "Training steps of each grader.", DefaultValueFactory = _ => new GraderOptions().Steps };
        var threads = new Option<int>("--threads") { Description = "Threads libtorch and ONNX Runtime may use.", DefaultValueFactory = _ => 2 };
        var standardStudies = new Option<int>("--standard-studies") { Description = "Studies of the second test set (standard profile); 0 for none.", DefaultValueFactory = _ => 30 };
        var command = new Command("all", "Retrain every reference model from fresh phantom datasets, evaluate them together and write their model cards.")
        {
            output, work, trainStudies, testStudies, trainSeed, testSeed, version, segmenterSteps, graderSteps, threads, standardStudies,
        };
        command.SetAction(parse => Run(new Plan(
            parse.GetValue(output)!.FullName, parse.GetValue(work)!.FullName, parse.GetValue(trainStudies), parse.GetValue(testStudies),
            parse.GetValue(trainSeed), parse.GetValue(testSeed), parse.GetValue(version)!, parse.GetValue(segmenterSteps), parse.GetValue(graderSteps), parse.GetValue(threads), parse.GetValue(standardStudies))));
        return command;
    }

    public static int Run(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        static bool Overlap(int a, int count, int b, int otherCount) => b < a + count && a < b + otherCount;
        if (Overlap(plan.TrainSeed, plan.TrainStudies, plan.TestSeed, plan.TestStudies) || Overlap(plan.TrainSeed, plan.TrainStudies, plan.StandardSeed, plan.StandardStudies))
        {
            Console.Error.WriteLine("spine-train all: the test seeds overlap the training seeds; evaluation must be on studies never trained on.");
            return 2;
        }

        var total = Stopwatch.StartNew();
        var train = Path.Combine(plan.Work, $"phantom-seeds-{plan.TrainSeed}-{plan.TrainSeed + plan.TrainStudies - 1}");
        var test = Path.Combine(plan.Work, $"phantom-seeds-{plan.TestSeed}-{plan.TestSeed + plan.TestStudies - 1}");
        var standard = Path.Combine(plan.Work, $"phantom-standard-seeds-{plan.StandardSeed}-{plan.StandardSeed + plan.StandardStudies - 1}");
        Stage(total, $"generating {plan.TrainStudies} training, {plan.TestStudies} hard test and {plan.StandardStudies} standard test studies (phantom 2.0)");
        RecreateDirectory(train);
        RecreateDirectory(test);
        RecreateDirectory(standard);
        var trainingCases = CommandProgress.Run("training studies", plan.TrainStudies, progress => PhantomDataset.Write(train, plan.TrainStudies, plan.TrainSeed, TrainingStudy, progress));
        CommandProgress.Run("hard test studies", plan.TestStudies, progress => PhantomDataset.Write(test, plan.TestStudies, plan.TestSeed, TestStudy, progress));
        if (plan.StandardStudies > 0)
        {
            CommandProgress.Run("standard test studies", plan.StandardStudies, progress => PhantomDataset.Write(standard, plan.StandardStudies, plan.StandardSeed, StandardStudy, progress));
        }

        string Folder(string name) => Path.Combine(plan.ModelsRoot, name, plan.Version);
        var description = $"Synthetic phantoms only: {plan.TrainStudies} phantom 2.0 studies ({trainingCases.Count} levels; half of the hard profile, half standard), Spine.Phantom seeds {plan.TrainSeed} to {plan.TrainSeed + plan.TrainStudies - 1}, graded by three simulated readers (reference: their majority)";

        Stage(total, "training the segmenter");
        var segmenterOptions = new SegmenterOptions
        {
            Steps = plan.SegmenterSteps,
            Threads = plan.Threads,
            ReportEvery = 100,
            CheckpointFolder = Folder("spine-vnet-segmenter"),
        };
        var slices = SliceSet.Load(train);
        var (segmenter, _) = TrainingProgress.Segmenter(slices, segmenterOptions, "  ");
        SegmenterExport.Write(segmenter, Folder("spine-vnet-segmenter"), "spine-vnet-segmenter", plan.Version, 0.6875, $"{description}; {slices.Slices.Count} axial slices. Not clinically validated.");

        Stage(total, "learning the central canal decision tree");
        var (tree, choice, _) = CanalTreeTrainer.Train(CanalTreeTrainer.Measure(train));
        Console.WriteLine($"  chosen by cross-validation: {choice}");
        CanalTreeTrainer.Write(tree, Folder("central-canal-decision-tree"), plan.Version, $"{description}; measurements of the reference masks; {choice}. Not clinically validated.", null);

        foreach (var region in new[] { RegionKind.CentralCanal, RegionKind.Foramen, RegionKind.Facet })
        {
            Stage(total, $"training the {GraderExport.RegionName(region)} grader");
            var folder = Folder(GraderExport.ModelName(region));
            var options = new GraderOptions { Steps = plan.GraderSteps, Threads = plan.Threads, CheckpointFolder = folder };
            if (GraderCommand.Run(region, train, folder, plan.Version, options, indent: "  ") != 0)
            {
                return 1;
            }
        }

        Stage(total, "evaluating every model together on the hard test studies, then on the standard ones");
        WriteCards(plan, test, plan.StandardStudies > 0 ? standard : null);
        Stage(total, "done");
        return 0;
    }

    /// <summary>
    /// Evaluates the models under <see cref="Plan.ModelsRoot"/> on <paramref name="test"/> (and <paramref name="standard"/>
    /// when given) and writes every card, EVALUATION.md and evaluation.json (EVALUATION-standard.md, evaluation-standard.json),
    /// and the reliability plot of each grader.
    /// </summary>
    public static EvaluationReport WriteCards(Plan plan, string test, string? standard)
    {
        ArgumentNullException.ThrowIfNull(plan);
        EvaluationReport report;
        EvaluationReport? standardReport = null;
        using (var models = ModelSet.Load(plan.ModelsRoot, plan.Threads))
        {
            report = CommandProgress.Run("hard test levels", progress => DatasetEvaluation.Run(test, models, progress));
            if (standard is not null)
            {
                standardReport = CommandProgress.Run("standard test levels", progress => DatasetEvaluation.Run(standard, models, progress));
            }
        }

        var evaluateCommand = $"spine evaluate --dataset {Path.GetFileName(Path.TrimEndingDirectorySeparator(test))} --models models";
        foreach (var (name, text) in CardTexts(plan))
        {
            ModelCards.Write(Path.Combine(plan.ModelsRoot, name, plan.Version), text, report, standardReport, evaluateCommand);
        }

        var markdown = EvaluationMarkdown.Write(report);
        File.WriteAllText(Path.Combine(plan.ModelsRoot, "EVALUATION.md"), markdown);
        File.WriteAllText(Path.Combine(plan.ModelsRoot, "evaluation.json"), JsonSerializer.Serialize(report, EvaluationReportJsonContext.Default.EvaluationReport));
        foreach (var finding in report.Findings.Where(f => f.Reliability is not null))
        {
            File.WriteAllBytes(Path.Combine(plan.ModelsRoot, $"reliability-{finding.Key.Replace('_', '-')}.png"), Calibration.Plot(finding.Reliability!));
        }

        if (standardReport is not null)
        {
            var standardMarkdown = EvaluationMarkdown.Write(standardReport).Replace("# Evaluation on ", "# Typical clinical studies (phantom 2.0, standard profile): evaluation on ", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(plan.ModelsRoot, "EVALUATION-standard.md"), standardMarkdown);
            File.WriteAllText(Path.Combine(plan.ModelsRoot, "evaluation-standard.json"), JsonSerializer.Serialize(standardReport, EvaluationReportJsonContext.Default.EvaluationReport));
        }

        Console.WriteLine(markdown);
        return report;
    }

    /// <summary><c>spine-train cards</c>: re-evaluates the models already trained and rewrites their cards, without training.</summary>
    public static Command CreateCards()
    {
        var models = new Option<DirectoryInfo>("--models") { Description = "Models folder.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var test = new Option<DirectoryInfo>("--test") { Description = "Labelled test dataset (studies never trained on).", Required = true };
        var standard = new Option<DirectoryInfo?>("--standard") { Description = "A second test set (standard profile), evaluated beside the test set." };
        var version = new Option<string>("--version") { Description = "Version of the models to describe.", DefaultValueFactory = _ => "0.1.0" };
        var trainStudies = new Option<int>("--train-studies") { Description = "Studies the models were trained on (for the cards).", DefaultValueFactory = _ => 100 };
        var trainSeed = new Option<int>("--train-seed") { Description = "Seed of the first training study (for the cards).", DefaultValueFactory = _ => 100000 };
        var steps = new Option<int>("--segmenter-steps") { Description = "Segmenter steps trained (for the cards).", DefaultValueFactory = _ => 1200 };
        var command = new Command("cards", "Evaluate the trained models on a test set and rewrite model.json metrics, MODEL_CARD.md and models/EVALUATION.md.") { models, test, standard, version, trainStudies, trainSeed, steps };
        command.SetAction(parse =>
        {
            var testFolder = parse.GetValue(test)!.FullName;
            var cases = CanalTreeTrainer.ReadCases(testFolder);
            var plan = new Plan(parse.GetValue(models)!.FullName, string.Empty, parse.GetValue(trainStudies), cases.Select(c => c.Seed).Distinct().Count(),
                parse.GetValue(trainSeed), cases.Min(c => c.Seed), parse.GetValue(version)!, parse.GetValue(steps), new GraderOptions().Steps, 2);
            WriteCards(plan, testFolder, parse.GetValue(standard)?.FullName);
            return 0;
        });
        return command;
    }

    private static void Stage(Stopwatch total, string what) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{total.Elapsed:hh\\:mm\\:ss}] {what}"));

    private static void RecreateDirectory(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
    }

    private static IEnumerable<(string Name, ModelCardText Text)> CardTexts(Plan plan)
    {
        var reproduce = $"`spine-train all --train-studies {plan.TrainStudies} --test-studies {plan.TestStudies} --train-seed {plan.TrainSeed} --test-seed {plan.TestSeed}` retrains every reference model and rewrites this card (README: retraining).";
        const string GraderRetrain = "Write the hospital's axial T2 slabs, label maps (the five labels of DESIGN.md, 0.6875 mm in-plane) and grades.json (per case its four-grade readings and mid slice; the format of Spine.Phantom's DatasetCase) in the nnU-Net layout, then run `spine-train grader --region REGION --dataset DIR --out DIR`. Regions are located on the reference masks by the same rules the pipeline uses (Spine.Analysis RegionLocator), so the grader learns what the pipeline will show it. Evaluate with `spine evaluate` on studies held out from training.";
        yield return ("spine-vnet-segmenter", new ModelCardText(
            "A 2-D V-Net (residual stages with PReLU and batch normalisation, strided convolutions down, transposed convolutions up, skip connections) that labels axial T2-weighted lumbar slices at 0.6875 mm pixels: 0 background, 1 intervertebral disc, 2 posterior element, 3 thecal (dural) sac, 4 canal and foramina outside the sac. Input `image` (batch, 1, H, W), H and W multiples of 8, each slab normalised by mapping its 0.5th and 99.5th intensity percentiles to 0 and 1; output `probabilities` (batch, 5, H, W). ONNX opset 17, dynamic batch and size.",
            $"`spine-train segmenter`: {plan.SegmenterSteps} steps of 8 random 160x160 crops, cross-entropy plus soft Dice, Adam (2e-3, cosine schedule), augmentation by rotations up to 10 degrees, shifts, left-right flips (the labels have no side), intensity and noise; Dice on held-out studies after each epoch (training-log.jsonl). {reproduce}",
            "Put the hospital's axial T2 slabs and label maps in the nnU-Net layout (imagesTr/CASE_0000.nii.gz, labelsTr/CASE.nii.gz with the labels above, resampled to 0.6875 mm in-plane) and run `spine-train segmenter --dataset DIR --out DIR`; evaluate with `spine evaluate` on held-out studies."));
        yield return ("central-canal-decision-tree", new ModelCardText(
            "The seed paper's interpretable central canal grader: a decision tree (CART, Gini, leaves smoothed towards the training grades' frequencies) on measurements of the slice through the disc's mid-plane. It was offered the companion study's four features (dural sac / disc cross-sectional area ratio, dural sac / disc AP-diameter ratio, dural sac area, dural sac AP diameter); which of them it uses, its depth, leaf size and smoothing were chosen by five-fold cross-validation over the training studies (model.json lists the features taken). Every grade comes with the path of thresholds that gave it (tree.json holds the nodes). On phantom 2.0 the grades are three simulated readers' majority reading of a latent severity whose signs overlap between grades, so the tree cannot be perfect, and its thresholds fit the phantom, not real patients.",
            $"`spine-train canal-tree`: features, depth, leaf size and smoothing chosen by cross-validation (folds by study, best linearly weighted kappa, ties to the simpler tree), then thresholds learned on every training level, measured on the reference masks resampled to the models' grid. {reproduce}",
            "Give `spine-train canal-tree --dataset DIR` a dataset whose grades.json holds the hospital's measurements (dural sac and disc areas on the mid slice) and radiologists' grades; the learned thresholds are written into tree.json, readable by a radiologist."));
        yield return ("spine-bit-central-canal", new ModelCardText(
            "A BiT-style grader (pre-activation ResNet with group normalisation and weight standardisation, three stages of 16, 32 and 64 channels, global average pooling as the spatial mean of a 1x1 head's class activation maps) of the central canal: a 48 mm square around the dural sac's centroid sampled at 0.75 mm in the level frame (columns towards the patient's left, rows towards posterior). Outputs `probabilities` (batch, 4: normal, mild, moderate, severe), `features` (the last feature map) and `class_maps` (one activation map per grade, 16x16 over the crop, whose mean is the grade's logit).",
            $"`spine-train grader --region central-canal`: AdamW (2e-3, cosine schedule, weight decay 1e-4), batches of 32 crops from the graded slice of each training level (the slice through the disc, which the readers grade; phantom 2.0 changes along the slab), rotation (about 10 degrees), shift, mirror, intensity and noise augmentation; 10 % of the training studies held out for validation after each epoch (training-log.jsonl), and on them the softmax temperature that makes the probabilities most likely (temperature scaling), written into model.json and applied at inference. {reproduce}",
            GraderRetrain.Replace("REGION", "central-canal", StringComparison.Ordinal)));
        yield return ("spine-bit-foramen", new ModelCardText(
            "A BiT-style grader (as spine-bit-central-canal) of the neural foramen: a 32 mm square around the foramen located by the geometric rule (the canal-and-foramina label more than 6 mm beyond the dural sac's lateral edge), sampled at 0.5 mm in the level frame. Right foramina are mirrored onto the left, so one model grades both sides (Lee 2010: perineural fat obliterated in none, two opposing, four directions, or root deformed). Outputs `probabilities`, `features` and `class_maps` as the central canal grader.",
            $"`spine-train grader --region foramen`: as the central canal grader (graded slice, temperature scaling), without mirror augmentation (mirroring is the side normalisation). {reproduce}",
            GraderRetrain.Replace("REGION", "foramen", StringComparison.Ordinal)));
        yield return ("spine-bit-facet", new ModelCardText(
            "A BiT-style grader (as spine-bit-central-canal) of the facet joint: a 40 mm square around the joint located by the geometric rule (the posterior element beyond the dural sac's lateral edge), sampled at 0.625 mm in the level frame, right joints mirrored onto the left (Pathria: joint space narrowing, osteophytes, hypertrophy, effusion). Outputs `probabilities`, `features` and `class_maps` as the central canal grader.",
            $"`spine-train grader --region facet`: as the foramen grader. {reproduce}",
            GraderRetrain.Replace("REGION", "facet", StringComparison.Ordinal)));
    }
}
