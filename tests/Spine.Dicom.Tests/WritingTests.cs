using System.Diagnostics;
using Spine.Testing;

namespace Spine.Dicom.Tests;

public sealed class WritingTests
{
    internal static MrImageSpec SampleMr(int instance = 1) => new()
    {
        Study = new StudyIdentity
        {
            PatientName = "Phantom^Lumbar",
            PatientId = "PHANTOM-0001",
            PatientBirthDate = "19700101",
            PatientSex = "O",
            StudyInstanceUid = DicomUid.Generate(),
            StudyDateTime = new DateTime(2026, 11, 28, 9, 30, 0, DateTimeKind.Unspecified),
            StudyDescription = "MRI LUMBAR SPINE",
        },
        SeriesInstanceUid = DicomUid.Generate(),
        SeriesDescription = "AX T2 FSE",
        FrameOfReferenceUid = DicomUid.Generate(),
        InstanceNumber = instance,
        ImagePositionPatient = [-110.0, -110.0, 40.5 + instance * 4],
        ImageOrientationPatient = [1, 0, 0, 0, 1, 0],
        PixelSpacing = [0.6875, 0.6875],
        SliceThickness = 4,
        SpacingBetweenSlices = 4.4,
        Rows = 32,
        Columns = 48,
        Pixels = Enumerable.Range(0, 32 * 48).Select(i => (ushort)(i * 7 % 4096)).ToArray(),
    };

    [Theory]
    [InlineData("1.2.840.10008.1.2.1")]
    [InlineData("1.2.840.10008.1.2")]
    public void Written_mr_image_reads_back_to_an_equal_data_set(string transferSyntax)
    {
        var dataset = ImageBuilders.MrImage(SampleMr());

        var read = DicomFile.Read(DicomWriter.ToBytes(dataset, DicomTransferSyntax.FromUid(transferSyntax)));

        Assert.Equal(transferSyntax, read.TransferSyntax.Uid);
        Assert.Equal(DicomUid.ImplementationClassUid, read.FileMetaInformation.GetString(DicomTags.ImplementationClassUid));
        DatasetAssert.Equal(dataset, read.Dataset);
    }

    [Fact]
    public void Written_mr_image_has_every_required_attribute_of_the_mr_image_iod()
    {
        var dataset = DicomFile.Read(DicomWriter.ToBytes(ImageBuilders.MrImage(SampleMr()))).Dataset;

        Assert.Empty(IodRequirements.Check(dataset, IodRequirements.MrImage));
    }

    [Fact]
    public void Requirement_check_names_each_missing_attribute()
    {
        var dataset = ImageBuilders.MrImage(SampleMr());
        dataset.Remove(DicomTags.PixelSpacing);
        dataset.SetString(DicomTags.SeriesInstanceUid, DicomVR.UI, "");

        var problems = IodRequirements.Check(dataset, IodRequirements.MrImage);

        Assert.Equal(["(0020,000E) SeriesInstanceUID (type 1) is empty", "(0028,0030) PixelSpacing (type 1) is missing"], problems.Order());
    }

    [Fact]
    public void Group_length_of_the_file_meta_information_counts_its_bytes()
    {
        var bytes = DicomWriter.ToBytes(ImageBuilders.MrImage(SampleMr()));
        var meta = DicomFile.Read(bytes).FileMetaInformation;

        var declared = meta.GetInt32(DicomTags.FileMetaInformationGroupLength);

        // Group 0002 starts after preamble, DICM and the 12-byte group length element, and ends where group 0008 begins.
        var datasetStart = 132 + 12 + declared!.Value;
        Assert.Equal(0x08, bytes[datasetStart]);
        Assert.Equal(0x00, bytes[datasetStart + 1]);
    }

    [Fact]
    public void Generated_uids_are_valid_and_distinct()
    {
        var uids = Enumerable.Range(0, 1000).Select(_ => DicomUid.Generate()).ToList();

        Assert.All(uids, uid => Assert.True(DicomUid.IsValid(uid) && uid.StartsWith("2.25.", StringComparison.Ordinal), uid));
        Assert.Equal(1000, uids.Distinct().Count());
        Assert.True(DicomUid.IsValid(DicomUid.ImplementationClassUid));
    }

    public static TheoryData<string> NativeCorpusFiles() =>
    [
        "pydicom/MR_small.dcm", "pydicom/MR_small_implicit.dcm", "pydicom/MR_small_bigendian.dcm", "pydicom/MR_small_expb.dcm",
        "dcm_qa_ts/1.dcm", "dcm_qa_ts/3.dcm", "pydicom-data/emri_small.dcm", "pydicom-data/emri_small_big_endian.dcm", "pydicom/no_meta.dcm",
    ];

    [Theory]
    [MemberData(nameof(NativeCorpusFiles))]
    public void Corpus_file_rewritten_as_explicit_little_endian_reads_back_equal(string file)
    {
        var original = DicomFile.Open(Corpus.File(file));

        var rewritten = DicomFile.Read(DicomWriter.ToBytes(original.Dataset));

        DatasetAssert.Equal(original.Dataset, rewritten.Dataset);
    }
}

/// <summary>Files the toolkit writes, read by dcmtk, the reference implementation most PACS are built on.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DcmtkReadsWrittenFilesTests
{
    public static TheoryData<string> Objects() => ["mr-explicit", "mr-implicit", "secondary-capture", "rewritten-enhanced-mr"];

    [Theory]
    [MemberData(nameof(Objects))]
    public async Task Dcmdump_reads_the_written_file_without_errors_or_warnings(string kind)
    {
        var dataset = kind switch
        {
            "secondary-capture" => ImageBuilders.SecondaryCapture(WritingTests.SampleMr().Study, DicomUid.Generate(), 900, "Spine overlays", 1, 16, 24, new byte[16 * 24 * 3]),
            "rewritten-enhanced-mr" => DicomFile.Open(Corpus.File("pydicom-data/emri_small_big_endian.dcm")).Dataset,
            _ => ImageBuilders.MrImage(WritingTests.SampleMr()),
        };
        var path = Path.Combine(Path.GetTempPath(), $"spine-{kind}-{Guid.NewGuid():n}.dcm");
        DicomWriter.WriteFile(path, dataset, kind == "mr-implicit" ? DicomTransferSyntax.ImplicitVRLittleEndian : DicomTransferSyntax.ExplicitVRLittleEndian);

        var (exitCode, output) = await RunAsync("dcmdump", path);
        File.Delete(path);

        Assert.True(exitCode == 0, $"dcmdump exited {exitCode}:\n{output}");
        Assert.DoesNotMatch(@"(?m)^(E|W|F): ", output);
        Assert.Contains(dataset.GetString(DicomTags.SopInstanceUid)!, output, StringComparison.Ordinal);
    }

    internal static Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments) => DcmtkTool.RunAsync(tool, arguments);
}

/// <summary>Deflated Explicit VR Little Endian, written by dcmtk and read by the toolkit.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DeflatedReadingTests
{
    [Fact]
    public async Task Deflated_file_written_by_dcmtk_reads_to_the_same_data_set()
    {
        var source = Corpus.File("pydicom/MR_small.dcm");
        var deflated = Path.Combine(Path.GetTempPath(), $"spine-deflated-{Guid.NewGuid():n}.dcm");
        var (exitCode, output) = await DcmtkReadsWrittenFilesTests.RunAsync("dcmconv", "+td", source, deflated);
        Assert.True(exitCode == 0, output);

        var read = DicomFile.Open(deflated);
        File.Delete(deflated);

        Assert.Equal(DicomTransferSyntax.DeflatedExplicitVRLittleEndian, read.TransferSyntax);
        DatasetAssert.Equal(DicomFile.Open(source).Dataset, read.Dataset);
        Assert.Equal(DicomPixelData.From(DicomFile.Open(source)).DecodeFrame(0), DicomPixelData.From(read).DecodeFrame(0));
    }
}
