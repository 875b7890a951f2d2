using Spine.Contracts.V1;

namespace Spine.Platform.Storage;

/// <summary>Where a study's objects live in the bucket: under its StudyId, never under anything from the patient.</summary>
public static class StudyKeys
{
    public static string Instance(Guid studyId, string sopInstanceUid) => $"studies/{studyId:N}/instances/{sopInstanceUid}.dcm";

    /// <summary>The folder of a study's received instances, for listing.</summary>
    public static string InstancesFolder(Guid studyId) => $"studies/{studyId:N}/instances/";

    public static string Manifest(Guid studyId) => $"studies/{studyId:N}/manifest.json";

    /// <summary>The prepared (resampled, normalised) slab <paramref name="slab"/>, NIfTI-1 gzipped.</summary>
    public static string PreparedSlab(Guid studyId, int slab) => $"studies/{studyId:N}/prepared/slab-{slab}.nii.gz";

    /// <summary>The prepared slices of level slab <paramref name="slab"/> as segmentation split them from a contiguous stack.</summary>
    public static string StackLevel(Guid studyId, int slab) => $"studies/{studyId:N}/prepared/stack-level-{slab}.nii.gz";

    /// <summary>All prepared slabs' slices stacked in order, for display.</summary>
    public static string PreparedVolume(Guid studyId) => $"studies/{studyId:N}/prepared/volume.nii.gz";

    /// <summary>The segmenter's label map of slab <paramref name="slab"/>, on the prepared slab's grid.</summary>
    public static string LabelMap(Guid studyId, int slab) => $"studies/{studyId:N}/segmentation/slab-{slab}.nii.gz";

    /// <summary>A picture of the explanation stage (heat map or overlay) named <paramref name="name"/>.</summary>
    public static string Explanation(Guid studyId, string name) => $"studies/{studyId:N}/explanation/{name}";

    /// <summary>The message a stage last started from, kept so that an operator can run the study again from that stage.</summary>
    public static string StageInput(Guid studyId, PipelineStage stage) => $"studies/{studyId:N}/inputs/{stage.ToString().ToLowerInvariant()}.json";

    /// <summary>How the explanation stage names a finding's objects, for example <c>l4l5-foraminalstenosis-left</c>.</summary>
    public static string FindingName(SpinalLevel level, FindingKind kind, Side side) => $"{level}-{kind}-{side}".ToLowerInvariant();

    /// <summary>
    /// A finding's class activation map as values (0 to 1) on the slice it was graded on, NIfTI-1 gzipped: one slice with
    /// its place in the patient, so that a viewer can lay it over any image of the study.
    /// </summary>
    public static string ActivationMap(Guid studyId, string findingName) => Explanation(studyId, findingName + "-heat.nii.gz");

    public static string ReportJson(Guid studyId) => $"studies/{studyId:N}/report/report.json";

    public static string ReportHtml(Guid studyId) => $"studies/{studyId:N}/report/report.html";

    public static string ReportPdf(Guid studyId) => $"studies/{studyId:N}/report/report.pdf";

    /// <summary>The folder of the study's result objects as DICOM (SR, SEG, Encapsulated PDF, Secondary Captures), for listing.</summary>
    public static string ResultObjectsFolder(Guid studyId) => $"studies/{studyId:N}/report/dicom/";

    /// <summary>One result object as DICOM Part 10, named within the study (sr, seg, pdf, capture-01...).</summary>
    public static string ResultObject(Guid studyId, string name) => $"{ResultObjectsFolder(studyId)}{name}.dcm";

    /// <summary>The measurement report as a DICOM Comprehensive SR (TID 1500), Part 10.</summary>
    public static string ReportSr(Guid studyId) => ResultObject(studyId, "sr");

    /// <summary>The report as a FHIR R4 transaction Bundle (DiagnosticReport, Observations, ImagingStudy), JSON.</summary>
    public static string ReportFhir(Guid studyId) => $"studies/{studyId:N}/report/fhir.json";

    /// <summary>The segmentation as a DICOM SEG in the source series' geometry, Part 10.</summary>
    public static string ReportSeg(Guid studyId) => ResultObject(studyId, "seg");

    /// <summary>All slabs' label maps stacked like the prepared volume.</summary>
    public static string StackedLabelMap(Guid studyId) => $"studies/{studyId:N}/segmentation/labels.nii.gz";
}
