using System.CommandLine;
using System.Text.Json;
using Spine.Phantom;

namespace Spine.Cli.Commands;

/// <summary><c>spine phantom study|dataset|figures</c>: synthetic axial T2 lumbar studies with exact ground truth.</summary>
internal static class PhantomCommand
{
    public static Command Create() => new("phantom", "Generate synthetic lumbar spine MRI studies with ground truth (no patient data).")
    {
        StudyCommand(),
        DatasetCommand(),
        ValidationSetCommand(),
        FiguresCommand(),
    };

    /// <summary>The phantom's version and profile, the options every command that generates studies takes.</summary>
    private sealed class Generation
    {
        public Option<string> Version { get; } = new("--version")
        {
            Description = $"Phantom version: {PhantomOptions.Version2} (latent disease read by three simulated readers, variants, varied acquisitions) or {PhantomOptions.Version1} (separable grade bands, as before).",
            DefaultValueFactory = _ => PhantomOptions.Version2,
        };

        public Option<PhantomProfile> Profile { get; } = new("--profile")
        {
            Description = "Phantom 2.x: standard (typical clinical studies) or hard (every variant and artefact, the widest acquisitions); docs/phantom.md.",
            DefaultValueFactory = _ => PhantomProfile.Standard,
        };

        public Option<string> Stack { get; } = new("--stack")
        {
            Description = "Phantom 2.x: angled (a slab angled to each disc, as the profiles draw) or contiguous (one unangled axial stack through every covered level).",
            DefaultValueFactory = _ => "angled",
        };

        public void AddTo(Command command)
        {
            Version.AcceptOnlyFromAmong(PhantomOptions.Version1, PhantomOptions.Version2);
            Stack.AcceptOnlyFromAmong("angled", "contiguous");
            command.Add(Version);
            command.Add(Profile);
            command.Add(Stack);
        }

        public PhantomOptions Options(ParseResult parse) => new()
        {
            Version = parse.GetValue(Version)!, Profile = parse.GetValue(Profile), ContiguousStack = parse.GetValue(Stack) == "contiguous",
        };
    }

    private static Command DatasetCommand()
    {
        var cases = new Option<int>("--cases") { Description = "Studies to generate; each gives five cases, one per level.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the first study; study n uses seed + n.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Dataset folder (nnU-Net layout).", Required = true };
        var noise = new Option<double>("--noise") { Description = "Phantom 1.x: Rician noise as a fraction of the CSF signal (2.x draws it per study).", DefaultValueFactory = _ => new PhantomOptions().Noise };
        var bias = new Option<double>("--bias") { Description = "Phantom 1.x: peak deviation of the bias field (2.x draws it per study).", DefaultValueFactory = _ => new PhantomOptions().Bias };
        var mix = new Option<string>("--grade-mix") { Description = "Phantom 1.x: probabilities of grades 0,1,2,3 (comma-separated; 2.x draws disease by level).", DefaultValueFactory = _ => "0.4,0.25,0.2,0.15" };
        var generation = new Generation();
        var command = new Command("dataset", "Write a training set in the nnU-Net layout (imagesTr, labelsTr, dataset.json) plus grades.json.")
        {
            cases,
            seed,
            output,
            noise,
            bias,
            mix,
        };
        generation.AddTo(command);
        command.SetAction(parse =>
        {
            var gradeMix = parse.GetValue(mix)!.Split(',').Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (gradeMix.Length != 4 || gradeMix.Any(p => p < 0) || gradeMix.Sum() <= 0)
            {
                Console.Error.WriteLine("spine phantom dataset: --grade-mix needs four non-negative probabilities.");
                return ExitCodes.Usage;
            }

            var written = CommandProgress.Run("studies", parse.GetValue(cases), progress => PhantomDataset.Write(parse.GetValue(output)!.FullName, parse.GetValue(cases), parse.GetValue(seed),
                _ => generation.Options(parse) with { Noise = parse.GetValue(noise), Bias = parse.GetValue(bias), GradeMix = gradeMix }, progress));
            Console.WriteLine($"{written.Count} cases written to {parse.GetValue(output)!.FullName}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ValidationSetCommand()
    {
        var studies = new Option<int>("--studies") { Description = "Studies to generate.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the first study; study n uses seed + n.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for studies/SEED/ (DICOM), readings.csv and truth/SEED.json.", Required = true };
        var generation = new Generation();
        var command = new Command("validation-set", "Write studies as a site would export them (one DICOM folder per study) and the simulated readers' grades as readings.csv, for spine validate.")
        {
            studies,
            seed,
            output,
        };
        generation.AddTo(command);
        command.SetAction(parse =>
        {
            var root = parse.GetValue(output)!.FullName;
            var truths = CommandProgress.Run("studies", parse.GetValue(studies), progress => PhantomReadings.WriteValidationSet(root, parse.GetValue(studies), parse.GetValue(seed), generation.Options(parse), progress));
            Console.WriteLine($"{truths.Count} studies in {Path.Combine(root, "studies")}, readings in {Path.Combine(root, "readings.csv")}, ground truth and label maps in {Path.Combine(root, "truth")}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command StudyCommand()
    {
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives the same study.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the study into.", Required = true };
        var noise = new Option<double>("--noise") { Description = "Phantom 1.x: Rician noise as a fraction of the CSF signal (2.x draws it per study).", DefaultValueFactory = _ => new PhantomOptions().Noise };
        var generation = new Generation();
        var command = new Command("study", "Write one study: DICOM series (axial T2 slabs, sagittal T2 and axial T1 distractors), label maps and ground-truth.json.")
        {
            seed,
            output,
            noise,
        };
        generation.AddTo(command);
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output)!.FullName;
            var study = PhantomGenerator.Generate(generation.Options(parse) with { Seed = parse.GetValue(seed), Noise = parse.GetValue(noise) });
            PhantomWriter.WriteStudy(study, folder);
            Console.WriteLine(JsonSerializer.Serialize(
                new PhantomSummary(folder, study.Truth.StudyInstanceUid, study.Series.Sum(s => s.Images.Count), study.Truth.Levels.Count),
                CliJsonContext.Default.PhantomSummary));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command FiguresCommand()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the PNG figures.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the phantom.", DefaultValueFactory = _ => 7 };
        var command = new Command("figures", "Draw one slice per central canal, foraminal and facet grade, without and with label contours.")
        {
            output,
            seed,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output)!.FullName;
            Directory.CreateDirectory(folder);
            foreach (var (finding, name) in new[] { (PhantomFigures.Finding.CentralCanal, "central-canal"), (PhantomFigures.Finding.Foraminal, "foraminal-left"), (PhantomFigures.Finding.Facet, "facet-left") })
            {
                var path = Path.Combine(folder, $"phantom-{name}-grades.png");
                File.WriteAllBytes(path, PhantomFigures.Grades(finding, parse.GetValue(seed)));
                Console.WriteLine(path);
            }

            var overview = Path.Combine(folder, "phantom-l4-l5-slice.png");
            File.WriteAllBytes(overview, PhantomFigures.Overview(parse.GetValue(seed)));
            Console.WriteLine(overview);
            foreach (var (name, figure) in new[] { ("phantom-variants.png", (Func<int, byte[]>)PhantomFigures.Variants), ("phantom-acquisitions.png", PhantomFigures.Acquisitions), ("phantom-contiguous-stack.png", PhantomFigures.ContiguousStack) })
            {
                var path = Path.Combine(folder, name);
                File.WriteAllBytes(path, figure(parse.GetValue(seed)));
                Console.WriteLine(path);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

internal sealed record PhantomSummary(string Folder, string StudyInstanceUid, int Images, int Levels);
