using System.Text;

namespace Spine.Dicom.Tests;

public sealed class CharacterSetTests
{
    private static DicomDataset WithName(string? characterSet, byte[] name)
    {
        var dataset = new DicomDataset();
        if (characterSet is not null)
        {
            dataset.Set(new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, Encoding.ASCII.GetBytes(characterSet)));
        }

        dataset.Set(new DicomElement(DicomTags.PatientName, DicomVR.PN, name));
        return dataset;
    }

    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(part => part is string text ? Encoding.ASCII.GetBytes(text) : part is byte b ? [b] : (byte[])part)];

    [Fact]
    public void Default_repertoire_reads_ascii()
    {
        Assert.Equal("Doe^John", WithName(null, Bytes("Doe^John")).GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Iso_ir_100_reads_latin_1()
    {
        var name = WithName("ISO_IR 100", Bytes("M", (byte)0xFC, "ller^Ren", (byte)0xE9, " "));

        Assert.Equal("Müller^René", name.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Iso_ir_192_reads_utf_8()
    {
        var name = WithName("ISO_IR 192", Encoding.UTF8.GetBytes("Wang^XiaoDong=王^小東"));

        Assert.Equal("Wang^XiaoDong=王^小東", name.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Iso_2022_ir_100_switches_to_latin_1_after_its_escape_sequence()
    {
        // G0 is ASCII, and ESC - A designates ISO-IR 100 (Latin-1 upper half) to G1 (PS3.5 6.1.2.5).
        var name = WithName("ISO 2022 IR 6\\ISO 2022 IR 100", Bytes("Buc^J", (byte)0x1B, "-A", (byte)0xE9, "r", (byte)0xF4, "me"));

        Assert.Equal("Buc^Jérôme", name.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Iso_2022_escape_to_cyrillic_reads_iso_ir_144()
    {
        var name = WithName("\\ISO 2022 IR 144", Bytes("Lubimyi^", (byte)0x1B, "-L", (byte)0xBB, (byte)0xEE, (byte)0xDA, (byte)0xE2, (byte)0xD5, (byte)0xDC, (byte)0xD8, (byte)0xD9));

        Assert.Equal("Lubimyi^Люктемий", name.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Sequence_items_inherit_the_character_set_of_the_data_set_that_holds_them()
    {
        var parent = WithName("ISO_IR 192", Encoding.UTF8.GetBytes("Zoë"));
        var item = new DicomDataset(parent);
        item.Set(new DicomElement(DicomTags.PatientName, DicomVR.PN, Encoding.UTF8.GetBytes("Chloë^Anaïs")));

        Assert.Equal("Chloë^Anaïs", item.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Names_written_as_utf_8_read_back_unchanged_through_a_file()
    {
        var spec = WritingTests.SampleMr() with { Study = WritingTests.SampleMr().Study with { PatientName = "Gómez^Ångström=山田^太郎" } };

        var read = DicomFile.Read(DicomWriter.ToBytes(ImageBuilders.MrImage(spec))).Dataset;

        Assert.Equal("ISO_IR 192", read.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("Gómez^Ångström=山田^太郎", read.GetString(DicomTags.PatientName));
    }
}
