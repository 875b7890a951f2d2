using System.Buffers.Binary;
using Spine.Dicom.Network;

namespace Spine.Dicom.Tests.Network;

public sealed class DeclaredLengthGuardTests
{
    [Theory]
    [InlineData("pydicom/MR_small.dcm")]
    [InlineData("pydicom/MR_small_implicit.dcm")]
    [InlineData("pydicom/MR_small_bigendian.dcm")]
    [InlineData("pydicom/MR_small_RLE.dcm")]
    [InlineData("pydicom/MR_small_jp2klossless.dcm")]
    [InlineData("pydicom-data/emri_small.dcm")]
    [InlineData("pydicom-data/emri_small_jpeg_2k_lossless.dcm")]
    [InlineData("dcm_qa_ts/1.dcm")]
    public void A_well_formed_data_set_arriving_in_fragments_passes_at_a_limit_of_its_own_length_and_not_one_byte_less(string file)
    {
        var part10 = File.ReadAllBytes(Corpus.File(file));
        var syntax = DicomFile.Read(part10).TransferSyntax;
        var dataSet = part10.AsSpan(DicomClient.DataSetOffset(part10)).ToArray();

        Feed(new DeclaredLengthGuard(syntax, dataSet.Length), dataSet);
        var refused = Assert.Throws<DicomNetworkException>(() => Feed(new DeclaredLengthGuard(syntax, dataSet.Length - 1), dataSet));
        Assert.Contains("declares", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixel_data_declaring_four_gibibytes_is_refused_on_its_header_naming_the_tag_and_offset()
    {
        var dataSet = Explicit([Element(0x0008, 0x0060, "CS", "MR"u8), LongHeader(0x7FE0, 0x0010, "OW", 0xFFFFFFF0)]);
        var guard = new DeclaredLengthGuard(DicomTransferSyntax.ExplicitVRLittleEndian, 512L * 1024 * 1024);

        var refused = Assert.Throws<DicomNetworkException>(() => guard.Check(dataSet));
        Assert.Contains("(7FE0,0010) at offset 10 declares 4294967280 bytes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_element_nested_in_a_sequence_of_undefined_length_is_checked_too()
    {
        var item = Explicit([LongHeader(0xFFFE, 0xE000, null, 0xFFFFFFFF), LongHeader(0x0040, 0xA160, "UT", 100_000)]);
        var dataSet = Explicit([LongHeader(0x0040, 0xA730, "SQ", 0xFFFFFFFF), item]);
        var guard = new DeclaredLengthGuard(DicomTransferSyntax.ExplicitVRLittleEndian, 64 * 1024);

        var refused = Assert.Throws<DicomNetworkException>(() => guard.Check(dataSet));
        Assert.Contains("(0040,A160)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_split_across_fragments_is_checked_once_it_is_whole()
    {
        var dataSet = Explicit([LongHeader(0x7FE0, 0x0010, "OW", 0xFFFFFFF0)]);
        var guard = new DeclaredLengthGuard(DicomTransferSyntax.ExplicitVRLittleEndian, 1024);

        guard.Check(dataSet.AsSpan(0, 9)); // tag, VR, reserved bytes and a part of the length: nothing to judge yet
        Assert.Throws<DicomNetworkException>(() => guard.Check(dataSet));
    }

    [Fact]
    public void A_deflated_data_set_has_no_guard_as_its_headers_cannot_be_read_before_inflating()
    {
        Assert.Null(DeclaredLengthGuard.For(DicomTransferSyntax.DeflatedExplicitVRLittleEndian, 1024));
        Assert.NotNull(DeclaredLengthGuard.For(DicomTransferSyntax.ImplicitVRLittleEndian, 1024));
    }

    private static void Feed(DeclaredLengthGuard guard, byte[] dataSet)
    {
        for (var received = Math.Min(1000, dataSet.Length); ; received = Math.Min(received + 1000, dataSet.Length))
        {
            guard.Check(dataSet.AsSpan(0, received));
            if (received == dataSet.Length)
            {
                return;
            }
        }
    }

    private static byte[] Explicit(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Element(ushort group, ushort element, string vr, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[8 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        (bytes[4], bytes[5]) = ((byte)vr[0], (byte)vr[1]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)value.Length);
        value.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    /// <summary>A header with a 32-bit length: an explicit long-VR element, or (no VR) an item.</summary>
    private static byte[] LongHeader(ushort group, ushort element, string? vr, uint length)
    {
        var bytes = new byte[vr is null ? 8 : 12];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        if (vr is not null)
        {
            (bytes[4], bytes[5]) = ((byte)vr[0], (byte)vr[1]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), length);
        return bytes;
    }
}
