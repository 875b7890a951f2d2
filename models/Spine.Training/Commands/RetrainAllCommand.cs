using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spine.Analysis.Anatomy;
using Spine.Evaluation;
using Spine.Analysis.Models;
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
        int SegmenterSteps, int GraderSteps, int Threads, int StressStudies = 20, int StressSeed = 950000);

    /// <summary>
    /// Training studies vary in noise (1.5 to 10 % of the CSF signal) and bias field (5 to 30 %), drawn from each study's
    /// seed, so that the models do not learn one acquisition; the test studies keep the phantom's defaults.
    /// </summary>
    public static PhantomOptions TrainingAcquisition(int seed)
    {
        var random = new Random(seed);
        return new PhantomOptions { Noise = 0.015 + (0.085 * random.NextDouble()), Bias = 0.05 + (0.25 * random.NextDouble()) };
    }

    /// <summary>The stress test: four times the default noise and twice the default bias field, the top of the training range and beyond.</summary>
    public static PhantomOptions StressAcquisition(int seed) => new() { Noise = 0.1, Bias = 0.3 };

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
        var stressStudies = new Option<int>("--stress-studies") { Description = "Studies of the stress test (4x noise, 2x bias field); 0 for none.", DefaultValueFactory = _ => 20 };
        var command = new Command("all", "Retrain every reference model from fresh phantom datasets, evaluate them together and write their model cards.")
        {
            output, work, trainStudies, testStudies, trainSeed, testSeed, version, segmenterSteps, graderSteps, threads, stressStudies,
        };
        command.SetAction(parse => Run(new Plan(
            parse.GetValue(output)!.FullName, parse.GetValue(work)!.FullName, parse.GetValue(trainStudies), parse.GetValue(testStudies),
            parse.GetValue(trainSeed), parse.GetValue(testSeed), parse.GetValue(version)!, parse.GetValue(segmenterSteps), parse.GetValue(graderSteps), parse.GetValue(threads), parse.GetValue(stressStudies))));
        return command;
    }

    public static int Run(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        static bool Overlap(int a, int count, int b, int otherCount) => b < a + count && a < b + otherCount;
        if (Overlap(plan.TrainSeed, plan.TrainStudies, plan.TestSeed, plan.TestStudies) || Overlap(plan.TrainSeed, plan.TrainStudies, plan.StressSeed, plan.StressStudies))
        {
            Console.Error.WriteLine("spine-train all: the test or stress-test seeds overlap the training seeds; evaluation must be on studies never trained on.");
            return 2;
        }

        var total = Stopwatch.StartNew();
        var train = Path.Combine(plan.Work, $"phantom-seeds-{plan.TrainSeed}-{plan.TrainSeed + plan.TrainStudies - 1}");
        var test = Path.Combine(plan.Work, $"phantom-seeds-{plan.TestSeed}-{plan.TestSeed + plan.TestStudies - 1}");
        var stress = Path.Combine(plan.Work, $"phantom-stress-seeds-{plan.StressSeed}-{plan.StressSeed + plan.StressStudies - 1}");
        Stage(total, $"generating {plan.TrainStudies} training, {plan.TestStudies} test and {plan.StressStudies} stress-test studies");
        RecreateDirectory(train);
        RecreateDirectory(test);
        RecreateDirectory(stress);
        PhantomDataset.Write(train, plan.TrainStudies, plan.TrainSeed, TrainingAcquisition);
        PhantomDataset.Write(test, plan.TestStudies, plan.TestSeed);
        if (plan.StressStudies > 0)
        {
            PhantomDataset.Write(stress, plan.StressStudies, plan.StressSeed, StressAcquisition);
        }

        string Folder(string name) => Path.Combine(plan.ModelsRoot, name, plan.Version);
        var description = $"Synthetic phantoms only: {plan.TrainStudies} studies ({plan.TrainStudies * 5} levels), Spine.Phantom seeds {plan.TrainSeed} to {plan.TrainSeed + plan.TrainStudies - 1}, noise 1.5 to 10 % of the CSF signal and bias field 5 to 30 % varied per study";

        Stage(total, "training the segmenter");
        var segmenterOptions = new SegmenterOptions
        {
            Steps = plan.SegmenterSteps,
            Threads = plan.Threads,
            ReportEvery = 100,
            Progress = (step, loss) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {step,6}  loss {loss:0.0000}")),
            CheckpointFolder = Folder("spine-vnet-segmenter"),
            EpochProgress = log => Console.WriteLine("  " + log),
        };
        var slices = SliceSet.Load(train);
        var (segmenter, _) = SegmenterTrainer.Train(slices, segmenterOptions);
        SegmenterExport.Write(segmenter, Folder("spine-vnet-segmenter"), "spine-vnet-segmenter", plan.Version, 0.6875, $"{description}; {slices.Slices.Count} axial slices. Not clinically validated.");

        Stage(total, "learning the central canal decision tree");
        var tree = CanalTreeTrainer.Train(CanalTreeTrainer.ReadCases(train));
        CanalTreeTrainer.Write(tree, Folder("central-canal-decision-tree"), plan.Version, $"{description}; measurements of the reference masks. Not clinically validated.", null);

        foreach (var region in new[] { RegionKind.CentralCanal, RegionKind.Foramen, RegionKind.Facet })
        {
            Stage(total, $"training the {GraderExport.RegionName(region)} grader");
            var folder = Folder(GraderExport.ModelName(region));
            var options = new GraderOptions { Steps = plan.GraderSteps, Threads = plan.Threads, CheckpointFolder = folder, Progress = log => Console.WriteLine("  " + log) };
            if (GraderCommand.Run(region, train, folder, plan.Version, options) != 0)
            {
                return 1;
            }
        }

        Stage(total, "evaluating every model together on the test studies, then on the stress-test studies");
        WriteCards(plan, test, plan.StressStudies > 0 ? stress : null);
        Stage(total, "done");
        return 0;
    }

    /// <summary>
    /// Evaluates the models under <see cref="Plan.ModelsRoot"/> on <paramref name="test"/> (and <paramref name="stress"/>
    /// when given) and writes every card, EVALUATION.md and evaluation.json (EVALUATION-stress.md, evaluation-stress.json).
    /// </summary>
    public static EvaluationReport WriteCards(Plan plan, string test, string? stress)
    {
        ArgumentNullException.ThrowIfNull(plan);
        EvaluationReport report;
        EvaluationReport? stressReport = null;
        using (var models = ModelSet.Load(plan.ModelsRoot, plan.Threads))
        {
            report = DatasetEvaluation.Run(test, models);
            if (stress is not null)
            {
                stressReport = DatasetEvaluation.Run(stress, models);
            }
        }

        var evaluateCommand = $"spine evaluate --dataset {Path.GetFileName(Path.TrimEndingDirectorySeparator(test))} --models models";
        foreach (var (name, text) in CardTexts(plan))
        {
            ModelCards.Write(Path.Combine(plan.ModelsRoot, name, plan.Version), text, report, stressReport, evaluateCommand);
        }

        var markdown = EvaluationMarkdown.Write(report);
        File.WriteAllText(Path.Combine(plan.ModelsRoot, "EVALUATION.md"), markdown);
        File.WriteAllText(Path.Combine(plan.ModelsRoot, "evaluation.json"), JsonSerializer.Serialize(report, EvaluationReportJsonContext.Default.EvaluationReport));
        if (stressReport is not null)
        {
            var stressMarkdown = EvaluationMarkdown.Write(stressReport).Replace("# Evaluation on ", "# Stress test (noise 10 % of the CSF signal, bias field 30 %) on ", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(plan.ModelsRoot, "EVALUATION-stress.md"), stressMarkdown);
            File.WriteAllText(Path.Combine(plan.ModelsRoot, "evaluation-stress.json"), JsonSerializer.Serialize(stressReport, EvaluationReportJsonContext.Default.EvaluationReport));
        }

        Console.WriteLine(markdown);
        return report;
    }

    /// <summary><c>spine-train cards</c>: re-evaluates the models already trained and rewrites their cards, without training.</summary>
    public static Command CreateCards()
    {
        var models = new Option<DirectoryInfo>("--models") { Description = "Models folder.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var test = new Option<DirectoryInfo>("--test") { Description = "Labelled test dataset (studies never trained on).", Required = true };
        var stress = new Option<DirectoryInfo?>("--stress") { Description = "A stress-test dataset (worse acquisitions), evaluated beside the test set." };
        var version = new Option<string>("--version") { Description = "Version of the models to describe.", DefaultValueFactory = _ => "0.1.0" };
        var trainStudies = new Option<int>("--train-studies") { Description = "Studies the models were trained on (for the cards).", DefaultValueFactory = _ => 100 };
        var trainSeed = new Option<int>("--train-seed") { Description = "Seed of the first training study (for the cards).", DefaultValueFactory = _ => 100000 };
        var steps = new Option<int>("--segmenter-steps") { Description = "Segmenter steps trained (for the cards).", DefaultValueFactory = _ => 1200 };
        var command = new Command("cards", "Evaluate the trained models on a test set and rewrite model.json metrics, MODEL_CARD.md and models/EVALUATION.md.") { models, test, stress, version, trainStudies, trainSeed, steps };
        command.SetAction(parse =>
        {
            var testFolder = parse.GetValue(test)!.FullName;
            var cases = CanalTreeTrainer.ReadCases(testFolder);
            var plan = new Plan(parse.GetValue(models)!.FullName, string.Empty, parse.GetValue(trainStudies), cases.Select(c => c.Seed).Distinct().Count(),
                parse.GetValue(trainSeed), cases.Min(c => c.Seed), parse.GetValue(version)!, parse.GetValue(steps), new GraderOptions().Steps, 2);
            WriteCards(plan, testFolder, parse.GetValue(stress)?.FullName);
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
            "The seed paper's interpretable central canal grader: a decision tree (CART, Gini) on the dural sac / disc cross-sectional area ratio and the dural sac area, measured on the slice through the disc's mid-plane. Every grade comes with the path of thresholds that gave it (tree.json holds the nodes). On phantoms the grade follows the sac area by construction (Lee 2011's bands as drawn by Spine.Phantom), so near-perfect agreement shows the measurement chain works, not that the thresholds fit real patients.",
            $"`spine-train canal-tree`: thresholds learned from the reference measurements and grades of the training studies. {reproduce}",
            "Give `spine-train canal-tree --dataset DIR` a dataset whose grades.json holds the hospital's measurements (dural sac and disc areas on the mid slice) and radiologists' grades; the learned thresholds are written into tree.json, readable by a radiologist."));
        yield return ("spine-bit-central-canal", new ModelCardText(
            "A BiT-style grader (pre-activation ResNet with group normalisation and weight standardisation, three stages of 16, 32 and 64 channels, global average pooling as the spatial mean of a 1x1 head's class activation maps) of the central canal: a 48 mm square around the dural sac's centroid sampled at 0.75 mm in the level frame (columns towards the patient's left, rows towards posterior). Outputs `probabilities` (batch, 4: normal, mild, moderate, severe), `features` (the last feature map) and `class_maps` (one activation map per grade, 16x16 over the crop, whose mean is the grade's logit).",
            $"`spine-train grader --region central-canal`: AdamW (2e-3, cosine schedule, weight decay 1e-4), batches of 32 crops from every slice of the training slabs, rotation (about 10 degrees), shift, mirror, intensity and noise augmentation; 10 % of the training studies held out for validation after each epoch (training-log.jsonl). {reproduce}",
            GraderRetrain.Replace("REGION", "central-canal", StringComparison.Ordinal)));
        yield return ("spine-bit-foramen", new ModelCardText(
            "A BiT-style grader (as spine-bit-central-canal) of the neural foramen: a 32 mm square around the foramen located by the geometric rule (the canal-and-foramina label more than 6 mm beyond the dural sac's lateral edge), sampled at 0.5 mm in the level frame. Right foramina are mirrored onto the left, so one model grades both sides (Lee 2010: perineural fat obliterated in none, two opposing, four directions, or root deformed). Outputs `probabilities`, `features` and `class_maps` as the central canal grader.",
            $"`spine-train grader --region foramen`: as the central canal grader, without mirror augmentation (mirroring is the side normalisation). {reproduce}",
            GraderRetrain.Replace("REGION", "foramen", StringComparison.Ordinal)));
        yield return ("spine-bit-facet", new ModelCardText(
            "A BiT-style grader (as spine-bit-central-canal) of the facet joint: a 40 mm square around the joint located by the geometric rule (the posterior element beyond the dural sac's lateral edge), sampled at 0.625 mm in the level frame, right joints mirrored onto the left (Pathria: joint space narrowing, osteophytes, hypertrophy, effusion). Outputs `probabilities`, `features` and `class_maps` as the central canal grader.",
            $"`spine-train grader --region facet`: as the foramen grader. {reproduce}",
            GraderRetrain.Replace("REGION", "facet", StringComparison.Ordinal)));
    }
}
