using Spine.Testing;

namespace Spine.Dicom.Tests;

/// <summary>
/// JPEG baseline and extended are lossy, and decoders may round their inverse DCT differently: files that dcmtk
/// compresses are decoded by the toolkit and by dcmtk, and must agree within one step of the stored value.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class JpegDctTests
{
    [Theory]
    [InlineData("+ee", "dcm_qa_ts/1.dcm", "1.2.840.10008.1.2.4.51", 1)] // extended, 12 bits
    [InlineData("+eb", "pydicom-data/emri_small.dcm", "1.2.840.10008.1.2.4.50", 10)] // baseline, 8 bits, multi-frame
    public async Task Jpeg_compressed_by_dcmtk_decodes_as_dcmtk_decodes_it(string mode, string file, string transferSyntax, int frames)
    {
        var folder = Directory.CreateTempSubdirectory("spine-jpeg-").FullName;
        var compressed = Path.Combine(folder, "compressed.dcm");
        var decompressed = Path.Combine(folder, "decompressed.dcm");
        await Run("dcmcjpeg", mode, Corpus.File(file), compressed);
        await Run("dcmdjpeg", compressed, decompressed);

        var ours = DicomPixelData.From(DicomFile.Open(compressed));
        var theirs = DicomPixelData.From(DicomFile.Open(decompressed));
        Directory.Delete(folder, recursive: true);

        Assert.Equal(transferSyntax, ours.TransferSyntax.Uid);
        Assert.Equal(frames, ours.FrameCount);
        for (var frame = 0; frame < frames; frame++)
        {
            var a = ours.GetStoredValues(frame);
            var b = theirs.GetStoredValues(frame);
            Assert.Equal(b.Length, a.Length);
            var largest = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(largest <= 1, $"frame {frame}: values differ by up to {largest}");
        }
    }

    [Fact]
    public async Task Damaged_jpeg_frames_raise_only_the_toolkits_own_errors()
    {
        var folder = Directory.CreateTempSubdirectory("spine-jpeg-fuzz-").FullName;
        var seeds = new List<byte[]>();
        foreach (var (mode, file) in new[] { ("+ee", "dcm_qa_ts/1.dcm"), ("+eb", "pydicom-data/emri_small.dcm"), ("+eb", "pydicom/MR_small.dcm") })
        {
            var compressed = Path.Combine(folder, $"{seeds.Count}.dcm");
            await Run("dcmcjpeg", mode, Corpus.File(file), compressed);
            seeds.Add(await File.ReadAllBytesAsync(compressed));
        }

        Directory.Delete(folder, recursive: true);
        var report = new Robustness.MutationFuzzer(seeds, seed: 7).Run(cases: 1000);

        Assert.True(report.Passed, string.Join('\n', report.Failures.Take(20)));
        Assert.True(report.Accepted > 0 && report.Refused > 0, $"accepted {report.Accepted}, refused {report.Refused}");
    }

    private static async Task Run(string tool, params string[] arguments)
    {
        var (exitCode, output) = await DcmtkReadsWrittenFilesTests.RunAsync(tool, arguments);
        Assert.True(exitCode == 0, $"{tool} exited {exitCode}: {output}");
    }
}
