using System.Text.Json.Nodes;
using Spine.Testing;

namespace Spine.Cli.Tests;

public sealed class DicomCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string CorpusFile(string name) => Path.Combine(RepositoryLayout.DicomCorpus, name);

    [Fact]
    public async Task Info_prints_the_data_set_in_the_dicom_json_model()
    {
        await using var spine = await SpineProcess.RunAsync(["dicom", "info", CorpusFile("pydicom/MR_small.dcm")], Limit);

        Assert.Equal(0, spine.ExitCode);
        var json = JsonNode.Parse(spine.StandardOutput)!;
        Assert.Equal("1.2.840.10008.1.2.1", json["transferSyntax"]!.GetValue<string>());
        var dataset = json["dataset"]!;
        Assert.Equal("US", dataset["00280010"]!["vr"]!.GetValue<string>());
        Assert.Equal(64, dataset["00280010"]!["Value"]![0]!.GetValue<int>());
        Assert.Equal("CompressedSamples^MR1", dataset["00100010"]!["Value"]![0]!["Alphabetic"]!.GetValue<string>());
        Assert.StartsWith("file://", dataset["7FE00010"]!["BulkDataURI"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pixels_writes_every_frame_and_describes_them()
    {
        var output = Path.Combine(Path.GetTempPath(), $"spine-pixels-{Guid.NewGuid():n}.raw");

        await using var spine = await SpineProcess.RunAsync(["dicom", "pixels", CorpusFile("pydicom-data/emri_small_jpeg_ls_lossless.dcm"), "--out", output], Limit);

        Assert.Equal(0, spine.ExitCode);
        var description = JsonNode.Parse(spine.StandardOutput)!;
        Assert.Equal((64, 64, 10, 1, 16, false), (
            description["rows"]!.GetValue<int>(), description["columns"]!.GetValue<int>(), description["frames"]!.GetValue<int>(),
            description["samplesPerPixel"]!.GetValue<int>(), description["bitsAllocated"]!.GetValue<int>(), description["signed"]!.GetValue<bool>()));
        var written = await File.ReadAllBytesAsync(output);
        File.Delete(output);
        var reference = await File.ReadAllBytesAsync(CorpusFile("pydicom-data/emri_small.dcm"));
        Assert.Equal(64 * 64 * 10 * 2, written.Length);
        Assert.True(reference.AsSpan(reference.Length - written.Length).SequenceEqual(written), "decoded frames differ from the uncompressed file's pixel data");
    }

    [Theory]
    [InlineData("pydicom/MR_small_jpeg_ls_lossless.dcm", "SPINE_CHARLS_LIBRARY", "JPEG-LS codec not installed", "libcharls2")]
    [InlineData("pydicom/MR_small_jp2klossless.dcm", "SPINE_OPENJPEG_LIBRARY", "JPEG 2000 codec not installed", "libopenjp2-7")]
    public async Task Missing_codec_library_is_reported_as_not_installed(string file, string variable, string message, string package)
    {
        var output = Path.Combine(Path.GetTempPath(), $"spine-pixels-{Guid.NewGuid():n}.raw");

        await using var spine = await SpineProcess.RunAsync(
            ["dicom", "pixels", CorpusFile(file), "--out", output], Limit, new Dictionary<string, string> { [variable] = "/nonexistent/codec.so" });
        File.Delete(output);

        Assert.Equal(1, spine.ExitCode);
        Assert.Contains(message, spine.StandardError, StringComparison.Ordinal);
        Assert.Contains(package, spine.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damaged_file_fails_with_the_toolkits_message()
    {
        await using var spine = await SpineProcess.RunAsync(["dicom", "info", CorpusFile("pydicom/MR_truncated.dcm")], Limit);

        Assert.Equal(1, spine.ExitCode);
        Assert.Contains("MR_truncated.dcm, offset 1488, tag (7FE0,0010) PixelData: value length", spine.StandardError, StringComparison.Ordinal);
    }
}
