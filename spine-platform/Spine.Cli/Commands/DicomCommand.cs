using System.CommandLine;
using System.Text.Json;
using Spine.Dicom;

namespace Spine.Cli.Commands;

/// <summary><c>spine dicom info|pixels FILE</c>: look inside a DICOM file with the platform's own toolkit.</summary>
internal sealed record PixelsDescription(int Rows, int Columns, int Frames, int SamplesPerPixel, int BitsAllocated, int BitsStored, bool Signed, string PhotometricInterpretation, string TransferSyntax);

internal static class DicomCommand
{
    public static Command Create() => new("dicom", "Read DICOM files with the platform's toolkit.")
    {
        InfoCommand(),
        PixelsCommand(),
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
