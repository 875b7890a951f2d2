using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spine.Dicom;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench dicom</c>: parsing and decoding time of the platform's DICOM toolkit against dcmtk's tools on the
/// same files on this machine, side by side, as ratios.
/// </summary>
internal static class BenchCommand
{
    private sealed record Case(string Name, string Path, string? DcmtkDecoder);

    private static readonly Case[] Cases =
    [
        new("MR 384x384 explicit LE", "dcm_qa_ts/1.dcm", null),
        new("MR 384x384 implicit LE", "dcm_qa_ts/2.dcm", null),
        new("MR 384x384 explicit BE", "dcm_qa_ts/3.dcm", null),
        new("MR 384x384 RLE", "dcm_qa_ts/4.dcm", "dcmdrle"),
        new("MR 384x384 JPEG lossless SV1", "dcm_qa_ts/5.dcm", "dcmdjpeg"),
        new("MR 384x384 JPEG-LS lossless", "dcm_qa_ts/7.dcm", "dcmdjpls"),
        new("MR 384x384 JPEG 2000 lossless", "dcm_qa_ts/9.dcm", null),
        new("Enhanced MR 10x64x64 RLE", "pydicom-data/emri_small_RLE.dcm", "dcmdrle"),
    ];

    public static Command Create() => new("bench", "Benchmarks, reported as ratios against a reference run on the same machine.")
    {
        DicomBench(),
        PhantomBench(),
        ModelBench.Create(),
        PipelineBench.Create(),
        ThroughputBench.Create(),
        CudaBench.Create(),
        DimseBench.Create(),
        ValidationBench.Create(),
        ResilienceBench.Create(),
        BenchJson.Option,
    };

    private static Command PhantomBench()
    {
        var repeat = new Option<int>("--repeat") { Description = "Studies to generate of each kind (after one warm-up).", DefaultValueFactory = _ => 5 };
        var command = new Command("phantom", "Time the generation of a study (in memory, and written to disk) of phantom 2.0 (standard and hard profiles) beside phantom 1.1, the reference.") { repeat };
        command.SetAction(parse => CommandProgress.Bench("kinds", 3, step =>
        {
            var count = parse.GetValue(repeat);
            var folder = Path.Combine(Path.GetTempPath(), $"spine-bench-phantom-{Environment.ProcessId}");
            Console.WriteLine("| one study, with its sagittal T2 and axial T1 | in memory, median (ms) | written (DICOM, NIfTI, JSON), median (ms) | ratio in memory to phantom 1.1 |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            double? reference = null;
            foreach (var (name, options) in new[]
            {
                ("phantom 1.1 (reference)", new Spine.Phantom.PhantomOptions { Version = Spine.Phantom.PhantomOptions.Version1 }),
                ("phantom 2.0, standard", new Spine.Phantom.PhantomOptions()),
                ("phantom 2.0, hard", new Spine.Phantom.PhantomOptions { Profile = Spine.Phantom.PhantomProfile.Hard }),
            })
            {
                var seed = 1000;
                var inMemory = BenchTiming.MedianMilliseconds(count, () => Spine.Phantom.PhantomGenerator.Generate(options with { Seed = seed++ }));
                var written = BenchTiming.MedianMilliseconds(count, () =>
                {
                    Spine.Phantom.PhantomWriter.WriteStudy(Spine.Phantom.PhantomGenerator.Generate(options with { Seed = seed++ }), folder);
                    Directory.Delete(folder, recursive: true);
                });
                reference ??= inMemory;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {inMemory:0} | {written:0} | {inMemory / reference.Value:0.00} |"));
                step();
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command DicomBench()
    {
        var corpus = new Option<DirectoryInfo>("--corpus")
        {
            Description = "The DICOM corpus: real files written by other toolkits (see its MANIFEST.md). Default: the repository's tests/data/dicom-corpus, run from the repository root.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("tests", "data", "dicom-corpus")),
        };
        var repeat = new Option<int>("--repeat") { Description = "Repetitions per file and tool.", DefaultValueFactory = _ => 50 };
        var command = new Command("dicom", "Parse and decode the corpus's MR files with Spine.Dicom and with dcmtk (dcmdump, dcmdrle, dcmdjpeg, dcmdjpls); print a Markdown table.")
        {
            corpus,
            repeat,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(corpus)!;
            if (!File.Exists(Path.Combine(folder.FullName, "MANIFEST.md")))
            {
                Console.Error.WriteLine($"spine bench dicom: {folder.FullName}: no DICOM corpus there (its MANIFEST.md is missing); run from the repository root or pass --corpus DIR.");
                return ExitCodes.Usage;
            }

            return CommandProgress.Bench("files", Cases.Length, step => Run(folder.FullName, parse.GetValue(repeat), step));
        });
        return command;
    }

    private static int Run(string corpus, int repeat, Action step)
    {
        var spawn = BenchTiming.MedianMilliseconds(repeat, () => RunTool("dcmdump", "--version"));
        Console.WriteLine($"Spine.Dicom vs dcmtk {DcmtkVersion()} on this machine; median of {repeat} runs (dcmdump: {repeat} files per run, median of 5 runs); dcmtk times exclude the {spawn:0.00} ms it takes to start a dcmtk process (median of `dcmdump --version`).");
        Console.WriteLine();
        Console.WriteLine("| file | Spine.Dicom parse (ms) | dcmdump (ms) | ratio | Spine.Dicom parse+decode (ms) | dcmtk decode (ms) | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var output = Path.Combine(Path.GetTempPath(), $"spine-bench-{Environment.ProcessId}.dcm");
        foreach (var benchCase in Cases)
        {
            var path = Path.Combine(corpus, benchCase.Path);
            var ours = BenchTiming.MedianMilliseconds(repeat, () => DicomFile.Open(path));
            var oursDecode = BenchTiming.MedianMilliseconds(repeat, () =>
            {
                var pixels = DicomPixelData.From(DicomFile.Open(path));
                for (var i = 0; i < pixels.FrameCount; i++)
                {
                    pixels.DecodeFrame(i);
                }
            });
            // dcmdump takes many files in one run, so its per-file time carries no process start.
            var batch = Enumerable.Repeat(path, repeat).ToArray();
            var dump = Math.Max(0.001, (BenchTiming.MedianMilliseconds(5, () => RunTool("dcmdump", batch)) - spawn) / repeat);
            var decode = benchCase.DcmtkDecoder is { } tool ? Math.Max(0.001, BenchTiming.MedianMilliseconds(repeat, () => RunTool(tool, path, output)) - spawn) : (double?)null;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {benchCase.Name} | {ours:0.000} | {dump:0.000} | {dump / ours:0.0}x | {oursDecode:0.000} | {(decode is { } d ? d.ToString("0.000", CultureInfo.InvariantCulture) : "n/a")} | {(decode is { } r ? (r / oursDecode).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "n/a")} |"));
            step();
        }

        File.Delete(output);
        Console.WriteLine();
        Console.WriteLine("ratio = dcmtk time / Spine.Dicom time (above 1: Spine.Dicom is faster). dcmdump also formats every element as text; dcmtk decoders also write the decoded file. dcmtk has no JPEG 2000 decoder (n/a).");
        return ExitCodes.Success;
    }

    private static void RunTool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        process.StandardOutput.BaseStream.CopyTo(Stream.Null);
        process.StandardError.BaseStream.CopyTo(Stream.Null);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}.");
        }
    }

    private static string DcmtkVersion()
    {
        var start = new ProcessStartInfo("dcmdump", "--version") { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // "$dcmtk: dcmdump v3.6.7 2022-04-22 $"
        var words = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return words.FirstOrDefault(w => w.StartsWith('v') && w.Length > 1 && char.IsAsciiDigit(w[1])) is { } version ? $"dcmtk {version}" : "dcmtk";
    }
}
