using System.Buffers.Binary;
using System.Text;

namespace Spine.Dicom.Tests;

public sealed class PrivateAndUnknownTests
{
    private sealed class Bytes
    {
        private readonly List<byte> _bytes = [];

        public Bytes Tag(ushort group, ushort element)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(b, group);
            BinaryPrimitives.WriteUInt16LittleEndian(b[2..], element);
            _bytes.AddRange(b.ToArray());
            return this;
        }

        public Bytes UInt32(uint value)
        {
            _bytes.AddRange(BitConverter.GetBytes(value));
            return this;
        }

        public Bytes Text(string text)
        {
            _bytes.AddRange(Encoding.ASCII.GetBytes(text));
            return this;
        }

        public Bytes Raw(params byte[] bytes)
        {
            _bytes.AddRange(bytes);
            return this;
        }

        public byte[] ToArray() => [.. _bytes];
    }

    [Fact]
    public void Implicit_vr_private_creators_read_as_lo_and_other_private_elements_as_un()
    {
        var bytes = new Bytes()
            .Tag(0x0008, 0x0060).UInt32(2).Text("MR")
            .Tag(0x0029, 0x0010).UInt32(18).Text("SIEMENS CSA HEADER")
            .Tag(0x0029, 0x1010).UInt32(4).Raw(1, 2, 3, 4)
            .ToArray();

        var dataset = DicomFile.Read(bytes, "implicit.dcm").Dataset;

        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, DicomFile.Read(bytes).TransferSyntax);
        Assert.Equal(DicomVR.LO, dataset.GetElement(new DicomTag(0x0029, 0x0010))!.VR);
        Assert.Equal("SIEMENS CSA HEADER", dataset.GetString(new DicomTag(0x0029, 0x0010)));
        Assert.Equal(DicomVR.UN, dataset.GetElement(new DicomTag(0x0029, 0x1010))!.VR);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, dataset.GetElement(new DicomTag(0x0029, 0x1010))!.Value.ToArray());
    }

    [Fact]
    public void Un_of_undefined_length_is_read_as_an_implicit_vr_sequence()
    {
        var bytes = new Bytes()
            .Tag(0x0008, 0x0060).Text("CS").Raw(2, 0).Text("MR")
            .Tag(0x0009, 0x0010).Text("LO").Raw(6, 0).Text("VENDOR")
            .Tag(0x0009, 0x1001).Text("UN").Raw(0, 0).UInt32(0xFFFFFFFF)
            .Tag(0xFFFE, 0xE000).UInt32(0xFFFFFFFF)
            .Tag(0x0010, 0x0010).UInt32(4).Text("AB^C") // implicit VR inside the UN value
            .Tag(0xFFFE, 0xE00D).UInt32(0)
            .Tag(0xFFFE, 0xE0DD).UInt32(0)
            .Tag(0x0020, 0x0013).Text("IS").Raw(2, 0).Text("7 ")
            .ToArray();

        var dataset = DicomFile.Read(bytes, "explicit.dcm").Dataset;

        var items = dataset.GetSequence(new DicomTag(0x0009, 0x1001));
        Assert.Single(items);
        Assert.Equal("AB^C", items[0].GetString(DicomTags.PatientName));
        Assert.Equal(7, dataset.GetInt32(DicomTags.InstanceNumber));
    }

    [Fact]
    public void Dictionary_knows_standard_repeating_group_and_group_length_tags()
    {
        Assert.Equal("PatientName", DicomDictionary.Lookup(DicomTags.PatientName)!.Keyword);
        Assert.Equal(DicomVR.PN, DicomDictionary.Lookup(DicomTags.PatientName)!.ImplicitVR);
        Assert.Equal("OverlayData", DicomDictionary.Lookup(new DicomTag(0x6002, 0x3000))!.Keyword);
        Assert.Equal(DicomVR.UL, DicomDictionary.Lookup(new DicomTag(0x0018, 0x0000))!.ImplicitVR);
        Assert.Equal(DicomVR.OW, DicomDictionary.Lookup(DicomTags.PixelData)!.ImplicitVR);
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0029, 0x1010)));
        Assert.True(DicomDictionary.Count > 4000);
        Assert.Equal(new DicomTag(0x0020, 0x000D), DicomDictionary.TagOf("StudyInstanceUID"));
    }
}
