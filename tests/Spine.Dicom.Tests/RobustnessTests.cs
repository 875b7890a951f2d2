using Spine.Dicom.Robustness;

namespace Spine.Dicom.Tests;

public sealed class RobustnessTests
{
    [Fact]
    public void Mutated_corpus_files_raise_only_the_toolkits_own_errors_without_hanging_or_allocating_without_bound()
    {
        var seeds = Directory.EnumerateFiles(Corpus.Root, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var fuzzer = new MutationFuzzer(seeds, seed: 20261128) { FailureFolder = Path.Combine(Path.GetTempPath(), "spine-fuzz-failures") };

        var report = fuzzer.Run(cases: 3000);

        Assert.True(report.Passed, string.Join('\n', report.Failures.Take(20)));
        Assert.Equal(3000, report.Refused + report.Accepted);
        Assert.True(report.Refused > 0 && report.Accepted > 0, $"refused {report.Refused}, accepted {report.Accepted}: the mutations should produce both");
        Assert.True(report.LargestAllocation < 256L * 1024 * 1024, $"largest allocation {report.LargestAllocation} bytes");
    }

    [Fact]
    public void Absurd_value_length_is_refused_naming_offset_and_tag_without_allocating_it()
    {
        var bytes = File.ReadAllBytes(Corpus.File("pydicom/MR_small.dcm"));
        var pixelData = FindTag(bytes, 0x7FE0, 0x0010);
        BitConverter.TryWriteBytes(bytes.AsSpan(pixelData + 8), 0xFFFFFFF0u);
        // The first failing read pays for loading the dictionary and the runtime's exception machinery; measure the second.
        Assert.Throws<DicomFormatException>(() => DicomFile.Read(bytes, "damaged.dcm"));
        DicomFormatException? error = null;
        var before = GC.GetAllocatedBytesForCurrentThread();

        try
        {
            DicomFile.Read(bytes, "damaged.dcm");
        }
        catch (DicomFormatException refused)
        {
            error = refused;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotNull(error);
        Assert.True(allocated < 256 * 1024, $"{allocated} bytes allocated");
        Assert.Equal(pixelData, error.Offset);
        Assert.Equal(DicomTags.PixelData, error.Tag);
        Assert.Contains($"damaged.dcm, offset {pixelData}, tag (7FE0,0010) PixelData: value length 4294967280 exceeds the", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequences_nested_beyond_the_limit_are_refused()
    {
        var dataset = new DicomDataset().SetString(DicomTags.SopClassUid, DicomVR.UI, SopClasses.MrImageStorage).SetString(DicomTags.SopInstanceUid, DicomVR.UI, DicomUid.Generate());
        var inner = new DicomDataset();
        var outer = inner;
        for (var depth = 0; depth < 40; depth++)
        {
            outer = new DicomDataset().SetSequence(new DicomTag(0x0040, 0xA730), outer);
        }

        dataset.SetSequence(new DicomTag(0x0040, 0xA730), outer);

        var error = Assert.Throws<DicomFormatException>(() => DicomFile.Read(DicomWriter.ToBytes(dataset)));

        Assert.Contains("nested deeper than 32", error.Message, StringComparison.Ordinal);
    }

    private static int FindTag(byte[] bytes, ushort group, ushort element)
    {
        for (var i = 132; i < bytes.Length - 4; i++)
        {
            if (BitConverter.ToUInt16(bytes, i) == group && BitConverter.ToUInt16(bytes, i + 2) == element)
            {
                return i;
            }
        }

        throw new InvalidOperationException("tag not found");
    }
}
