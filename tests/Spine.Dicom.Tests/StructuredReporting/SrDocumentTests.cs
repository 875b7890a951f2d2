using Spine.Dicom.StructuredReporting;
using Spine.Testing;

namespace Spine.Dicom.Tests.StructuredReporting;

public sealed class SrDocumentTests
{
    private static SrDocumentSpec Spec(SrContainer root) => new()
    {
        Study = WritingTests.SampleMr().Study,
        SeriesInstanceUid = DicomUid.Generate(),
        SeriesNumber = 99,
        SeriesDescription = "test report",
        SopInstanceUid = DicomUid.Generate(),
        ContentDateTime = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc),
        Manufacturer = "Spine Platform",
        Root = root,
        TemplateIdentifier = "1500",
        Evidence = [("2.25.1", [new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.2")])],
    };

    [Fact]
    public void Every_value_type_is_written_with_its_relationship_and_concept_name_and_reads_back_in_order()
    {
        var name = new Code("121071", "DCM", "Finding");
        var root = new SrContainer(SrRelationship.Contains, new Code("126000", "DCM", "Imaging Measurement Report"))
        {
            Children =
            [
                new SrText(SrRelationship.HasObservationContext, name, "text"),
                new SrCode(SrRelationship.HasConceptModifier, name, new Code("24028007", "SCT", "Right")),
                new SrNumber(SrRelationship.Contains, name, 12.5, new Code("mm", "UCUM", "mm")) { Children = [new SrUid(SrRelationship.HasProperties, name, "2.25.3")] },
                new SrImage(SrRelationship.Contains, name, new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.2", Frame: 1)),
                new SrCode(SrRelationship.InferredFrom, new Code("A-CODE-LONGER-THAN-16", "99TEST", "long"), new Code("17621005", "SCT", "Normal")),
            ],
        };

        var read = DicomFile.Read(DicomWriter.ToBytes(SrDocument.Build(Spec(root)))).Dataset;

        Assert.Equal("CONTAINER", read.GetString(SrTags.ValueType));
        Assert.False(read.Contains(SrTags.RelationshipType)); // the root has none
        var items = read.GetSequence(SrTags.ContentSequence);
        Assert.Equal(["TEXT", "CODE", "NUM", "IMAGE", "CODE"], items.Select(i => i.GetString(SrTags.ValueType)));
        Assert.Equal(["HAS OBS CONTEXT", "HAS CONCEPT MOD", "CONTAINS", "CONTAINS", "INFERRED FROM"], items.Select(i => i.GetString(SrTags.RelationshipType)));
        Assert.Equal("12.5", items[2].GetSequence(SrTags.MeasuredValueSequence)[0].GetString(SrTags.NumericValue));
        Assert.Equal("UIDREF", items[2].GetSequence(SrTags.ContentSequence)[0].GetString(SrTags.ValueType));
        var longName = items[4].GetSequence(SrTags.ConceptNameCodeSequence)[0];
        Assert.Equal("A-CODE-LONGER-THAN-16", longName.GetString(SrTags.LongCodeValue));
        Assert.False(longName.Contains(SrTags.CodeValue));
    }

    [Fact]
    public async Task Dciodvfy_finds_no_error_in_a_minimal_comprehensive_sr()
    {
        var root = new SrContainer(SrRelationship.Contains, new Code("126000", "DCM", "Imaging Measurement Report"))
        {
            Children = [new SrImage(SrRelationship.Contains, new Code("260753009", "SCT", "Source"), new SopReference("1.2.840.10008.5.1.4.1.1.4", "2.25.2"))],
        };
        var path = Path.Combine(Path.GetTempPath(), $"sr-{Guid.NewGuid():n}.dcm");
        await File.WriteAllBytesAsync(path, DicomWriter.ToBytes(SrDocument.Build(Spec(root))));
        try
        {
            var (_, output) = await ExternalTool.RunAsync("dciodvfy", [path]);

            Assert.Contains("ComprehensiveSR", output, StringComparison.Ordinal);
            Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("Error", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
