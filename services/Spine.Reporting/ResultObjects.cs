using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Reporting;

/// <summary>
/// The report as DICOM objects for the PACS: one Secondary Capture per finding (its overlay), in the patient's study,
/// in a series of its own whose description and image comments say what it is and that it is not for diagnosis. UIDs
/// derive from the StudyId, so sending again after a failure does not duplicate anything in the PACS.
/// </summary>
public static class ResultObjects
{
    public const int SeriesNumber = 9901;
    public const int PdfSeriesNumber = 9903;
    private static readonly DicomTag ImageComments = new(0x0020, 0x4000);

    /// <summary>The patient and study the objects belong to, from one of the study's own instances.</summary>
    public static StudyIdentity IdentityOf(DicomDataset source, string studyInstanceUid)
    {
        ArgumentNullException.ThrowIfNull(source);
        var date = source.GetString(DicomTags.StudyDate) ?? "19000101";
        var time = (source.GetString(DicomTags.StudyTime) ?? "000000").Split('.')[0].PadRight(6, '0')[..6];
        return new StudyIdentity
        {
            PatientName = source.GetString(DicomTags.PatientName) ?? string.Empty,
            PatientId = source.GetString(DicomTags.PatientId) ?? string.Empty,
            PatientBirthDate = source.GetString(DicomTags.PatientBirthDate) ?? string.Empty,
            PatientSex = source.GetString(DicomTags.PatientSex) ?? string.Empty,
            StudyInstanceUid = studyInstanceUid,
            StudyDateTime = DateTime.ParseExact(date + time, "yyyyMMddHHmmss", CultureInfo.InvariantCulture),
            StudyDescription = source.GetString(DicomTags.StudyDescription) ?? string.Empty,
            AccessionNumber = source.GetString(DicomTags.AccessionNumber) ?? string.Empty,
            StudyId = source.GetString(DicomTags.StudyId) ?? string.Empty,
            ReferringPhysicianName = source.GetString(DicomTags.ReferringPhysicianName) ?? string.Empty,
        };
    }

    /// <summary>Part 10 bytes of the Secondary Capture of one finding's overlay.</summary>
    public static byte[] SecondaryCapture(StudyReport report, StudyIdentity identity, int index, Finding finding, LevelReport level, byte[] overlayPng)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(level);
        var (width, height, rgb) = Png.DecodeRgb(overlayPng);
        var dataset = ImageBuilders.SecondaryCapture(identity, Uid(report.StudyId, "series"), SeriesNumber,
            "Spine Platform findings (automated, not for diagnosis)", index + 1, height, width, rgb, Uid(report.StudyId, $"finding-{index}"));
        dataset.SetString(ImageComments, DicomVR.LT, string.Create(CultureInfo.InvariantCulture,
            $"{LevelName(level.Level)} {Describe(finding)}: {GradeName(finding.Grade)} (P moderate or worse {finding.SignificantProbability:0.00}). {finding.Explanation?.Rationale} {report.Disclaimer}"));
        return DicomWriter.ToBytes(dataset);
    }

    /// <summary>Part 10 bytes of the report's PDF as an Encapsulated PDF in the patient's study.</summary>
    public static byte[] EncapsulatedPdf(StudyReport report, StudyIdentity identity, byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(report);
        return DicomWriter.ToBytes(EncapsulatedDocuments.Pdf(identity, Uid(report.StudyId, "pdf-series"), PdfSeriesNumber,
            "Spine Platform report (automated, not for diagnosis)", Uid(report.StudyId, "pdf"), "Lumbar spine MRI: automated reading (not for diagnosis)",
            report.GeneratedAt.UtcDateTime, pdf));
    }

    /// <summary>A UID fixed by the StudyId and a name: the same object gets the same UID every time it is made.</summary>
    internal static string Uid(Guid studyId, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{studyId:N}/{name}"));
        return DicomUid.FromGuid(new Guid(hash.AsSpan(0, 16)));
    }

    internal static string Describe(Finding finding) => (finding.Kind, finding.Side) switch
    {
        (FindingKind.CentralCanalStenosis, _) => "central canal stenosis",
        (FindingKind.ForaminalStenosis, Side.Left) => "left neural foraminal stenosis",
        (FindingKind.ForaminalStenosis, _) => "right neural foraminal stenosis",
        (_, Side.Left) => "left facet arthropathy",
        _ => "right facet arthropathy",
    };

    internal static string GradeName(int grade) => grade switch { 0 => "normal", 1 => "mild", 2 => "moderate", _ => "severe" };

    private static string LevelName(SpinalLevel level) => level.Name();
}
