namespace Spine.Dicom.Tests;

public sealed class ReadingTests
{
    public static TheoryData<string, string> MrSmallVariants() => new()
    {
        { "pydicom/MR_small.dcm", "1.2.840.10008.1.2.1" },
        { "pydicom/MR_small_implicit.dcm", "1.2.840.10008.1.2" },
        { "pydicom/MR_small_bigendian.dcm", "1.2.840.10008.1.2.2" },
        { "pydicom/MR_small_expb.dcm", "1.2.840.10008.1.2.2" },
        { "pydicom/MR_small_RLE.dcm", "1.2.840.10008.1.2.5" },
        { "pydicom/MR_small_jpeg_ls_lossless.dcm", "1.2.840.10008.1.2.4.80" },
        { "pydicom/MR_small_jp2klossless.dcm", "1.2.840.10008.1.2.4.90" },
        { "pydicom/MR_small_padded.dcm", "1.2.840.10008.1.2.1" },
    };

    [Theory]
    [MemberData(nameof(MrSmallVariants))]
    public void Every_transfer_syntax_of_mr_small_gives_the_same_header(string file, string transferSyntax)
    {
        var reference = DicomFile.Open(Corpus.File("pydicom/MR_small.dcm")).Dataset;
        var dicom = DicomFile.Open(Corpus.File(file));

        Assert.Equal(transferSyntax, dicom.TransferSyntax.Uid);
        Assert.Equal(64, dicom.Dataset.GetInt32(DicomTags.Rows));
        Assert.Equal(64, dicom.Dataset.GetInt32(DicomTags.Columns));
        Assert.Equal(reference.GetString(DicomTags.SopInstanceUid), dicom.Dataset.GetString(DicomTags.SopInstanceUid));
        Assert.Equal(reference.GetString(DicomTags.PatientName), dicom.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(reference.GetNumbers(DicomTags.ImagePositionPatient), dicom.Dataset.GetNumbers(DicomTags.ImagePositionPatient));
        Assert.Equal(reference.GetNumbers(DicomTags.PixelSpacing), dicom.Dataset.GetNumbers(DicomTags.PixelSpacing));
    }

    [Fact]
    public void Header_values_match_what_dcmtk_reports()
    {
        var dataset = DicomFile.Open(Corpus.File("pydicom/MR_small.dcm")).Dataset;

        Assert.Equal("CompressedSamples^MR1", dataset.GetString(DicomTags.PatientName));
        Assert.Equal("MR", dataset.GetString(DicomTags.Modality));
        Assert.Equal(16, dataset.GetInt32(DicomTags.BitsAllocated));
        Assert.Equal(1, dataset.GetInt32(DicomTags.PixelRepresentation));
    }

    [Fact]
    public void File_without_preamble_or_meta_information_is_read_as_a_bare_data_set()
    {
        var dicom = DicomFile.Open(Corpus.File("pydicom/no_meta.dcm"));

        Assert.Empty(dicom.FileMetaInformation);
        Assert.Equal("CT", dicom.Dataset.GetString(DicomTags.Modality));
        Assert.True(dicom.Dataset.Contains(DicomTags.PixelData));
    }

    [Fact]
    public void Meta_information_without_group_length_is_read()
    {
        var dicom = DicomFile.Open(Corpus.File("pydicom/no_meta_group_length.dcm"));

        Assert.False(dicom.FileMetaInformation.Contains(DicomTags.FileMetaInformationGroupLength));
        Assert.False(string.IsNullOrEmpty(dicom.FileMetaInformation.GetString(DicomTags.TransferSyntaxUid)));
        Assert.True(dicom.Dataset.Count > 0);
    }

    [Fact]
    public void Element_with_an_unknown_vr_is_read_and_the_rest_of_the_file_too()
    {
        var dicom = DicomFile.Open(Corpus.File("pydicom/badVR.dcm"));

        Assert.Equal("RTDOSE", dicom.Dataset.GetString(DicomTags.Modality));
        Assert.Equal(6000, dicom.Dataset.GetElement(DicomTags.PixelData)!.Value.Length);
    }

    [Fact]
    public async Task Header_only_read_stops_before_pixel_data()
    {
        var path = Corpus.File("dcm_qa_ts/1.dcm");

        var header = await DicomFile.OpenHeaderAsync(path);

        Assert.False(header.Dataset.Contains(DicomTags.PixelData));
        Assert.Equal(384, header.Dataset.GetInt32(DicomTags.Rows));
        Assert.True(header.PixelDataOffset > 0 && header.PixelDataOffset < new FileInfo(path).Length - 384 * 384 * 2);
    }

    public static TheoryData<string, string> RefusedFiles() => new()
    {
        { "pydicom/MR_truncated.dcm", "exceeds the" },
        { "pydicom/rtplan_truncated.dcm", "BeamSequence: value length 976 exceeds the 711 bytes left" },
        { "pydicom-data/emri_small_jpeg_2k_lossless_too_short.dcm", "without a sequence delimitation item" },
        { "pydicom/meta_missing_tsyntax.dcm", "no Transfer Syntax UID" },
    };

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public void Damaged_file_is_refused_with_a_message_naming_file_and_problem(string file, string reason)
    {
        var error = Assert.Throws<DicomFormatException>(() => DicomFile.Open(Corpus.File(file)));

        Assert.StartsWith(Path.GetFileName(file), error.Message, StringComparison.Ordinal);
        Assert.Equal(Path.GetFileName(file), Path.GetFileName(error.SourceName));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }
}
