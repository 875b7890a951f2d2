using System.Buffers.Binary;

namespace Spine.Dicom.Tests;

/// <summary>Every file of a MANIFEST group holds the same pixels: decoded values must match the group's reference exactly.</summary>
public sealed class PixelDecodingTests
{
    private static byte[][] DecodeAll(string file)
    {
        var pixels = DicomPixelData.From(DicomFile.Open(Corpus.File(file)));
        return Enumerable.Range(0, pixels.FrameCount).Select(pixels.DecodeFrame).ToArray();
    }

    public static TheoryData<string> MrSmall() =>
    [
        "pydicom/MR_small_implicit.dcm", "pydicom/MR_small_bigendian.dcm", "pydicom/MR_small_expb.dcm", "pydicom/MR_small_RLE.dcm",
        "pydicom/MR_small_jpeg_ls_lossless.dcm", "pydicom/MR_small_jp2klossless.dcm", "pydicom/MR_small_padded.dcm",
    ];

    [Theory]
    [MemberData(nameof(MrSmall))]
    public void Mr_small_in_every_transfer_syntax_decodes_to_the_reference_pixels(string file)
    {
        var reference = DecodeAll("pydicom/MR_small.dcm");

        var decoded = DecodeAll(file);

        Assert.Single(decoded);
        Assert.Equal(64 * 64 * 2, decoded[0].Length);
        Assert.Equal(reference[0], decoded[0]);
    }

    public static TheoryData<string> SiemensMr() =>
        ["dcm_qa_ts/2.dcm", "dcm_qa_ts/3.dcm", "dcm_qa_ts/4.dcm", "dcm_qa_ts/5.dcm", "dcm_qa_ts/6.dcm", "dcm_qa_ts/7.dcm", "dcm_qa_ts/8.dcm", "dcm_qa_ts/9.dcm"];

    [Theory]
    [MemberData(nameof(SiemensMr))]
    public void Siemens_mr_in_every_transfer_syntax_decodes_to_the_reference_pixels(string file)
    {
        var reference = DecodeAll("dcm_qa_ts/1.dcm");

        var decoded = DecodeAll(file);

        Assert.Equal(384 * 384 * 2, decoded[0].Length);
        Assert.Equal(reference[0], decoded[0]);
    }

    [Fact]
    public void Siemens_mosaic_matches_the_slices_dcm2niix_converted()
    {
        // 1.dcm is a Siemens mosaic: 35 slices of 64x64 tiled 6 by 6 in one 384x384 frame. dcm2niix cut it into a
        // 64x64x35 volume and, to reach RAS orientation, stored each slice's rows bottom-up.
        var mosaic = DecodeAll("dcm_qa_ts/1.dcm")[0];
        var nifti = File.ReadAllBytes(Corpus.File("dcm_qa_ts/reference.nii"));
        var offset = (int)BinaryPrimitives.ReadSingleLittleEndian(nifti.AsSpan(108));
        Assert.Equal([3, 64, 64, 35], Enumerable.Range(0, 4).Select(i => (int)BinaryPrimitives.ReadInt16LittleEndian(nifti.AsSpan(40 + 2 * i))));

        for (var slice = 0; slice < 35; slice++)
        {
            var (tileRow, tileColumn) = (slice / 6, slice % 6);
            for (var row = 0; row < 64; row++)
            {
                var fromMosaic = mosaic.AsSpan((((tileRow * 64) + row) * 384 + (tileColumn * 64)) * 2, 128);
                var fromNifti = nifti.AsSpan(offset + ((slice * 64) + (63 - row)) * 128, 128);
                Assert.True(fromMosaic.SequenceEqual(fromNifti), $"slice {slice}, row {row} differs from the converted volume");
            }
        }
    }

    public static TheoryData<string> EnhancedMr() =>
        ["pydicom-data/emri_small_big_endian.dcm", "pydicom-data/emri_small_RLE.dcm", "pydicom-data/emri_small_jpeg_ls_lossless.dcm", "pydicom-data/emri_small_jpeg_2k_lossless.dcm"];

    [Theory]
    [MemberData(nameof(EnhancedMr))]
    public void Enhanced_mr_frames_in_every_transfer_syntax_decode_to_the_reference_pixels(string file)
    {
        var reference = DecodeAll("pydicom-data/emri_small.dcm");

        var decoded = DecodeAll(file);

        Assert.Equal(10, decoded.Length);
        for (var frame = 0; frame < 10; frame++)
        {
            Assert.Equal(reference[frame], decoded[frame]);
        }
    }

    [Fact]
    public void Stored_values_of_signed_data_are_sign_extended()
    {
        var pixels = DicomPixelData.From(DicomFile.Open(Corpus.File("pydicom/MR_small.dcm")));
        var raw = pixels.DecodeFrame(0);

        var values = pixels.GetStoredValues(0);

        Assert.True(pixels.Frame.Signed);
        Assert.Equal(BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(2 * 100)), values[100]);
        Assert.Equal(64 * 64, values.Length);
    }

    [Fact]
    public void Pixel_data_shorter_than_its_frames_is_refused_naming_the_sizes()
    {
        var file = DicomFile.Open(Corpus.File("pydicom/MR_small.dcm"));
        file.Dataset.SetNumbers(DicomTags.NumberOfFrames, DicomVR.IS, 3);

        var error = Assert.Throws<DicomFormatException>(() => DicomPixelData.From(file));

        Assert.Contains("3 frame(s) of 8192 bytes need 24576 bytes; the pixel data holds 8192", error.Message, StringComparison.Ordinal);
    }
}

public sealed class PixelValueTests
{
    [Fact]
    public void Modality_values_apply_rescale_slope_and_intercept()
    {
        var dataset = ImageBuilders.MrImage(WritingTests.SampleMr());
        dataset.SetNumbers(DicomTags.RescaleSlope, DicomVR.DS, 0.5).SetNumbers(DicomTags.RescaleIntercept, DicomVR.DS, -100);
        var pixels = DicomPixelData.From(DicomFile.Read(DicomWriter.ToBytes(dataset)));

        var stored = pixels.GetStoredValues(0);
        var values = pixels.GetModalityValues(0);

        Assert.Equal((0.5, -100.0), pixels.Rescale(0));
        Assert.Equal((stored[77] * 0.5f) - 100, values[77]);
    }

    [Fact]
    public void Per_frame_pixel_value_transformation_overrides_the_top_level_rescale()
    {
        var dataset = ImageBuilders.MrImage(WritingTests.SampleMr());
        dataset.SetNumbers(DicomTags.RescaleSlope, DicomVR.DS, 1).SetNumbers(DicomTags.RescaleIntercept, DicomVR.DS, 0);
        dataset.SetSequence(DicomTags.PerFrameFunctionalGroupsSequence, new DicomDataset().SetSequence(
            DicomTags.PixelValueTransformationSequence,
            new DicomDataset().SetNumbers(DicomTags.RescaleSlope, DicomVR.DS, 2).SetNumbers(DicomTags.RescaleIntercept, DicomVR.DS, 10)));

        var pixels = DicomPixelData.From(DicomFile.Read(DicomWriter.ToBytes(dataset)));

        Assert.Equal((2.0, 10.0), pixels.Rescale(0));
    }

    [Fact]
    public void Eight_bit_rgb_secondary_capture_decodes_interleaved()
    {
        var rgb = Enumerable.Range(0, 4 * 5 * 3).Select(i => (byte)(i * 3)).ToArray();
        var dataset = ImageBuilders.SecondaryCapture(WritingTests.SampleMr().Study, DicomUid.Generate(), 900, "overlays", 1, rows: 4, columns: 5, rgb);

        var file = DicomFile.Read(DicomWriter.ToBytes(dataset));
        var pixels = DicomPixelData.From(file);

        Assert.Empty(IodRequirements.Check(file.Dataset, IodRequirements.SecondaryCapture));
        Assert.Equal((4, 5, 3, 8), (pixels.Frame.Rows, pixels.Frame.Columns, pixels.Frame.SamplesPerPixel, pixels.Frame.BitsAllocated));
        Assert.Equal(rgb, pixels.DecodeFrame(0));
    }
}
