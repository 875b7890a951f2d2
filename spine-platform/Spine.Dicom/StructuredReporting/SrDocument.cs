using System.Globalization;

namespace Spine.Dicom.StructuredReporting;

/// <summary>What an SR document holds besides its content tree: where it sits in the study and what it rests on.</summary>
public sealed record SrDocumentSpec
{
    public required StudyIdentity Study { get; init; }
    public required string SeriesInstanceUid { get; init; }
    public required int SeriesNumber { get; init; }
    public required string SeriesDescription { get; init; }
    public required string SopInstanceUid { get; init; }
    public int InstanceNumber { get; init; } = 1;

    /// <summary>When the content was made (Content Date and Time).</summary>
    public required DateTime ContentDateTime { get; init; }

    public required string Manufacturer { get; init; }
    public string ManufacturerModelName { get; init; } = "";
    public string SoftwareVersions { get; init; } = "";

    /// <summary>The root CONTAINER; its relationship is not written (the root has none).</summary>
    public required SrContainer Root { get; init; }

    /// <summary>The DCMR template the root follows (for example 1500), written to the Content Template Sequence.</summary>
    public required string TemplateIdentifier { get; init; }

    /// <summary>Every instance the content rests on, by series: the Current Requested Procedure Evidence Sequence.</summary>
    public required IReadOnlyList<(string SeriesInstanceUid, IReadOnlyList<SopReference> Instances)> Evidence { get; init; }
}

/// <summary>
/// Encodes a Comprehensive SR document (PS3.3 A.35.3): Patient, General Study, SR Document Series, General Equipment,
/// SR Document General and SR Document Content modules, the content tree written item by item with its relationships,
/// concept names and values. Completion is COMPLETE and verification UNVERIFIED: no person has signed it.
/// </summary>
public static class SrDocument
{
    public const string ComprehensiveSrStorage = "1.2.840.10008.5.1.4.1.1.88.33";

    public static DicomDataset Build(SrDocumentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var dataset = ImageBuilders.Common(spec.Study, ComprehensiveSrStorage, spec.SopInstanceUid, "SR", spec.SeriesInstanceUid, spec.SeriesNumber, spec.SeriesDescription, spec.InstanceNumber)
            .SetString(DicomTags.ContentDate, DicomVR.DA, spec.ContentDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture))
            .SetString(DicomTags.ContentTime, DicomVR.TM, spec.ContentDateTime.ToString("HHmmss", CultureInfo.InvariantCulture))
            .SetString(DicomTags.Manufacturer, DicomVR.LO, spec.Manufacturer)
            .SetString(SrTags.CompletionFlag, DicomVR.CS, "COMPLETE")
            .SetString(SrTags.VerificationFlag, DicomVR.CS, "UNVERIFIED")
            .SetSequence(SrTags.ReferencedPerformedProcedureStepSequence)
            .SetSequence(SrTags.PerformedProcedureCodeSequence);
        dataset.Remove(DicomTags.SeriesDate);
        dataset.Remove(DicomTags.SeriesTime);
        if (spec.ManufacturerModelName.Length > 0)
        {
            dataset.SetString(DicomTags.ManufacturerModelName, DicomVR.LO, spec.ManufacturerModelName);
        }

        if (spec.SoftwareVersions.Length > 0)
        {
            dataset.SetString(new DicomTag(0x0018, 0x1020), DicomVR.LO, spec.SoftwareVersions);
        }

        if (spec.Evidence.Count > 0)
        {
            var study = new DicomDataset(dataset).SetString(DicomTags.StudyInstanceUid, DicomVR.UI, spec.Study.StudyInstanceUid);
            study.SetSequence(SrTags.ReferencedSeriesSequence, [.. spec.Evidence.Select(series =>
            {
                var item = new DicomDataset(study).SetString(DicomTags.SeriesInstanceUid, DicomVR.UI, series.SeriesInstanceUid);
                return item.SetSequence(SrTags.ReferencedSopSequence, [.. series.Instances.Select(i => (i with { Frame = null, Segment = null }).ToItem(item))]);
            })]);
            dataset.SetSequence(SrTags.CurrentRequestedProcedureEvidenceSequence, study);
        }

        var template = new DicomDataset(dataset)
            .SetString(SrTags.MappingResource, DicomVR.CS, "DCMR")
            .SetString(SrTags.TemplateIdentifier, DicomVR.CS, spec.TemplateIdentifier);
        dataset.SetSequence(SrTags.ContentTemplateSequence, template);
        WriteItem(dataset, spec.Root, isRoot: true);
        return dataset;
    }

    /// <summary>A code sequence item: a code value of up to 16 characters, a longer one as Long Code Value.</summary>
    internal static DicomDataset CodeItem(Code code, DicomDataset parent)
    {
        var item = new DicomDataset(parent);
        item.SetString(code.Value.Length <= 16 ? SrTags.CodeValue : SrTags.LongCodeValue, code.Value.Length <= 16 ? DicomVR.SH : DicomVR.UC, code.Value);
        return item
            .SetString(SrTags.CodingSchemeDesignator, DicomVR.SH, code.Scheme)
            .SetString(SrTags.CodeMeaning, DicomVR.LO, code.Meaning);
    }

    private static void WriteItem(DicomDataset target, SrItem item, bool isRoot)
    {
        if (!isRoot)
        {
            target.SetString(SrTags.RelationshipType, DicomVR.CS, Relationship(item.Relationship));
        }

        target.SetString(SrTags.ValueType, DicomVR.CS, item.ValueType);
        target.SetSequence(SrTags.ConceptNameCodeSequence, CodeItem(item.Name, target));
        item.WriteValue(target);
        if (item.Children.Count > 0)
        {
            target.SetSequence(SrTags.ContentSequence, [.. item.Children.Select(child =>
            {
                var encoded = new DicomDataset(target);
                WriteItem(encoded, child, isRoot: false);
                return encoded;
            })]);
        }
    }

    private static string Relationship(SrRelationship relationship) => relationship switch
    {
        SrRelationship.Contains => "CONTAINS",
        SrRelationship.HasObservationContext => "HAS OBS CONTEXT",
        SrRelationship.HasConceptModifier => "HAS CONCEPT MOD",
        SrRelationship.HasProperties => "HAS PROPERTIES",
        SrRelationship.InferredFrom => "INFERRED FROM",
        _ => throw new ArgumentOutOfRangeException(nameof(relationship), relationship, null),
    };
}
