using Spine.Contracts.V1;
using Spine.Dicom.StructuredReporting;

namespace Spine.Reporting;

/// <summary>
/// The coded concepts of the structured report. Standard codes (DCM, SNOMED CT, UCUM, LOINC) wherever DICOM PS3.16 has
/// one, each checked against PS3.16's code tables as pydicom and dcmtk generate them (docs/structured-report.md lists
/// the source of each); the private scheme 99SPINE only for concepts no standard code was found for.
/// </summary>
public static class ReportCodes
{
    public const string PrivateScheme = "99SPINE";

    public static readonly Code ImagingMeasurementReport = new("126000", "DCM", "Imaging Measurement Report");
    public static readonly Code Language = new("121049", "DCM", "Language of Content Item and Descendants");
    public static readonly Code EnglishUnitedStates = new("en-US", "RFC5646", "English (United States)");
    public static readonly Code ObserverType = new("121005", "DCM", "Observer Type");
    public static readonly Code Device = new("121007", "DCM", "Device");
    public static readonly Code DeviceObserverUid = new("121012", "DCM", "Device Observer UID");
    public static readonly Code DeviceObserverName = new("121013", "DCM", "Device Observer Name");
    public static readonly Code DeviceObserverManufacturer = new("121014", "DCM", "Device Observer Manufacturer");
    public static readonly Code DeviceObserverModelName = new("121015", "DCM", "Device Observer Model Name");
    public static readonly Code ProcedureReported = new("121058", "DCM", "Procedure reported");
    public static readonly Code MriUnspecifiedBodyRegion = new("25056-3", "LN", "MRI unspecified body region");
    public static readonly Code ImageLibrary = new("111028", "DCM", "Image Library");
    public static readonly Code ImagingMeasurements = new("126010", "DCM", "Imaging Measurements");
    public static readonly Code MeasurementGroup = new("125007", "DCM", "Measurement Group");
    public static readonly Code TrackingIdentifier = new("112039", "DCM", "Tracking Identifier");
    public static readonly Code TrackingUniqueIdentifier = new("112040", "DCM", "Tracking Unique Identifier");
    public static readonly Code FindingSite = new("363698007", "SCT", "Finding Site");
    public static readonly Code Source = new("260753009", "SCT", "Source");
    public static readonly Code ReferencedSegmentationFrame = new("121214", "DCM", "Referenced Segmentation Frame");
    public static readonly Code Laterality = new("272741003", "SCT", "Laterality");
    public static readonly Code Left = new("7771000", "SCT", "Left");
    public static readonly Code Right = new("24028007", "SCT", "Right");
    public static readonly Code MeasurementMethod = new("370129005", "SCT", "Measurement Method");
    public static readonly Code AlgorithmName = new("111001", "DCM", "Algorithm Name");
    public static readonly Code AlgorithmVersion = new("111003", "DCM", "Algorithm Version");
    public static readonly Code Probability = new("122157", "DCM", "Probability");
    public static readonly Code Impression = new("121073", "DCM", "Impression");
    public static readonly Code Comment = new("121106", "DCM", "Comment");
    public static readonly Code Area = new("42798000", "SCT", "Area");
    public static readonly Code DuraMater = new("18545000", "SCT", "Dura mater");
    public static readonly Code SquareMillimeter = new("mm2", "UCUM", "square millimeter");
    public static readonly Code Millimeter = new("mm", "UCUM", "mm");
    public static readonly Code NoUnits = new("1", "UCUM", "no units");

    // No PS3.16 code was found for these; the private scheme names them (docs/structured-report.md).
    public static readonly Code ApDiameter = new("SACAPDIAM", PrivateScheme, "Dural sac anteroposterior diameter");
    public static readonly Code SacToDiscAreaRatio = new("SACDISCRATIO", PrivateScheme, "Dural sac to disc cross-sectional area ratio");
    public static readonly Code ProbabilityModerateOrWorse = new("PMODWORSE", PrivateScheme, "Probability of moderate or worse");
    public static readonly Code NotAssessable = new("NOTASSESSABLE", PrivateScheme, "Level not assessable");
    public static readonly Code CentralCanalStenosis = new("CANALSTENOSIS", PrivateScheme, "Central canal stenosis");
    public static readonly Code ForaminalStenosis = new("FORAMSTENOSIS", PrivateScheme, "Neural foraminal stenosis");
    public static readonly Code FacetArthropathy = new("FACETARTHRO", PrivateScheme, "Facet arthropathy");
    public static readonly Code LeeCentralCanal = new("LEE2011", PrivateScheme, "Lee 2011 central canal grading (axial T2)");
    public static readonly Code LeeForaminal = new("LEE2010", PrivateScheme, "Lee 2010 foraminal grading");
    public static readonly Code PathriaWeishaupt = new("PATHRIAWEISH", PrivateScheme, "Pathria / Weishaupt facet grading");

    /// <summary>Grades 0 to 3 as SNOMED CT's Normal, Mild, Moderate and Severe.</summary>
    public static Code Grade(int grade) => grade switch
    {
        0 => new("17621005", "SCT", "Normal"),
        1 => new("255604002", "SCT", "Mild"),
        2 => new("6736007", "SCT", "Moderate"),
        _ => new("24484000", "SCT", "Severe"),
    };

    /// <summary>The disc of a level (SNOMED CT, PS3.16 CID 7604); null for a level that has no code there (S1-S2).</summary>
    public static Code? Disc(SpinalLevel level) => level switch
    {
        SpinalLevel.T12L1 => new("76206002", "SCT", "T12/L1 disc"),
        SpinalLevel.L1L2 => new("80064006", "SCT", "L1/L2 disc"),
        SpinalLevel.L2L3 => new("67459009", "SCT", "L2/L3 disc"),
        SpinalLevel.L3L4 => new("62551000", "SCT", "L3/L4 disc"),
        SpinalLevel.L4L5 => new("84020006", "SCT", "L4/L5 disc"),
        SpinalLevel.L5S1 => new("715056000", "SCT", "L5/S1 disc"),
        _ => null,
    };

    /// <summary>What a finding grades and by which published system.</summary>
    public static (Code Finding, Code GradingSystem) Of(FindingKind kind) => kind switch
    {
        FindingKind.CentralCanalStenosis => (CentralCanalStenosis, LeeCentralCanal),
        FindingKind.ForaminalStenosis => (ForaminalStenosis, LeeForaminal),
        _ => (FacetArthropathy, PathriaWeishaupt),
    };
}
