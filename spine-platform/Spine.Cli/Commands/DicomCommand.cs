using System.CommandLine;
using System.Text.Json;
using Spine.Dicom;

namespace Spine.Cli.Commands;

/// <summary><c>spine dicom info|pixels FILE</c>: look inside a DICOM file with the platform's own toolkit.</summary>
internal sealed record PixelsDescription(int Rows, int Columns, int Frames, int SamplesPerPixel, int BitsAllocated, int BitsStored, bool Signed, string PhotometricInterpretation, string TransferSyntax);

internal sealed record FuzzSummary(int Cases, int Refused, int Accepted, int Failures, long LargestAllocationBytes, double SlowestCaseMilliseconds, double ElapsedSeconds, int SeedFiles);

internal static class DicomCommand
{
    public static Command Create() => new("dicom", "Read DICOM files with the platform's toolkit.")
    {
        InfoCommand(),
        PixelsCommand(),
        FuzzCommand(),
    };

    private static Command InfoCommand()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A DICOM file." };
        var command = new Command("info", "Print the file meta information and data set as DICOM JSON (PS3.18 F.2).") { file };
        command.SetAction(parse => Guard(() =>
        {
            var path = parse.GetValue(file)!.FullName;
            var dicom = DicomFile.Open(path);
            using var output = Console.OpenStandardOutput();
            using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            writer.WriteStartObject();
            writer.WriteString("transferSyntax", dicom.TransferSyntax.Uid);
            writer.WritePropertyName("fileMetaInformation");
            DicomJsonWriter.Write(writer, dicom.FileMetaInformation);
            writer.WritePropertyName("dataset");
            DicomJsonWriter.Write(writer, dicom.Dataset, bulkDataUri: element => $"{new Uri(path)}#offset={element.Offset}");
            writer.WriteEndObject();
            writer.Flush();
            Console.WriteLine();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command PixelsCommand()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A DICOM file." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the decoded stored values.", Required = true };
        var command = new Command("pixels", "Decode every frame and write the stored values, frame after frame, little endian, in the stored sample size; print a JSON line describing them.")
        {
            file,
            output,
        };
        command.SetAction(parse => Guard(() =>
        {
            var pixels = DicomPixelData.From(DicomFile.Open(parse.GetValue(file)!.FullName));
            using (var target = File.Create(parse.GetValue(output)!.FullName))
            {
                var frame = new byte[pixels.Frame.Length];
                for (var i = 0; i < pixels.FrameCount; i++)
                {
                    pixels.DecodeFrame(i, frame);
                    target.Write(frame);
                }
            }

            var description = new PixelsDescription(
                pixels.Frame.Rows, pixels.Frame.Columns, pixels.FrameCount, pixels.Frame.SamplesPerPixel, pixels.Frame.BitsAllocated,
                pixels.Frame.BitsStored, pixels.Frame.Signed, pixels.PhotometricInterpretation, pixels.TransferSyntax.Uid);
            Console.WriteLine(JsonSerializer.Serialize(description, CliJsonContext.Default.PixelsDescription));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command FuzzCommand()
    {
        var corpus = new Option<DirectoryInfo>("--corpus") { Description = "Folder of DICOM files to mutate (searched recursively for *.dcm).", Required = true };
        var cases = new Option<int>("--cases") { Description = "How many mutated files to read.", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the mutations.", DefaultValueFactory = _ => 1 };
        var failures = new Option<DirectoryInfo?>("--failures") { Description = "Where to save inputs that fail, to reproduce them." };
        var command = new Command("fuzz", "Read and decode damaged copies of DICOM files; fail on any error that is not the toolkit's own, any hang, and any allocation over 256 MB.")
        {
            corpus,
            cases,
            seed,
            failures,
        };
        command.SetAction(parse =>
        {
            var seeds = Directory.EnumerateFiles(parse.GetValue(corpus)!.FullName, "*.dcm", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
            if (seeds.Count == 0)
            {
                Console.Error.WriteLine("spine dicom fuzz: the corpus folder holds no .dcm files.");
                return ExitCodes.Usage;
            }

            var fuzzer = new Spine.Dicom.Robustness.MutationFuzzer(seeds, parse.GetValue(seed)) { FailureFolder = parse.GetValue(failures)?.FullName };
            var report = CommandProgress.Run("cases", parse.GetValue(cases), progress => fuzzer.Run(parse.GetValue(cases), progress));
            Console.WriteLine(JsonSerializer.Serialize(
                new FuzzSummary(report.Cases, report.Refused, report.Accepted, report.Failures.Count, report.LargestAllocation, report.SlowestCase.TotalMilliseconds, report.Elapsed.TotalSeconds, seeds.Count),
                CliJsonContext.Default.FuzzSummary));
            foreach (var failure in report.Failures.Take(50))
            {
                Console.Error.WriteLine(failure);
            }

            return report.Passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is DicomFormatException or DicomCodecException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"spine dicom: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
