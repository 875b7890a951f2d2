using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>One result object of a study as DICOM Part 10: its kind, its name within the study's results, its bytes.</summary>
public sealed record ResultObject(ResultKind Kind, string Name, byte[] Part10);

/// <summary>
/// Every DICOM object a report makes: the SEG (when the label maps can be put on the source images), the SR that
/// references it, the report as Encapsulated PDF (when there is a PDF) and one Secondary Capture per overlay. Made once
/// by reporting and stored; export and DICOMweb read them from there.
/// </summary>
public static partial class StudyResultObjects
{
    /// <param name="overlay">The PNG of a finding's overlay: reporting has them in memory already, export reads them.</param>
    public static async Task<IReadOnlyList<ResultObject>> BuildAsync(IObjectStore store, StudyReport report, StudyManifest manifest, StudyIdentity identity, byte[]? pdf,
        Func<ObjectRef, Task<byte[]>> overlay, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(report);
        var objects = new List<ResultObject>();
        StudySegmentationObject? segmentation = null;
        try
        {
            segmentation = await StudySegmentation.BuildAsync(store, report, manifest, identity, Platform.Hosting.SpineVersion.Informational, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            // A label map that cannot be put back onto the source images (images of two matrices) costs the SEG, not the report.
            LogNoSegmentation(logger, report.StudyId, ex.Message);
        }

        if (segmentation is not null)
        {
            objects.Add(new ResultObject(ResultKind.Segmentation, "seg", segmentation.Part10));
        }

        objects.Add(new ResultObject(ResultKind.StructuredReport, "sr", MeasurementReportSr.Build(report, identity, Platform.Hosting.SpineVersion.Informational, segmentation)));
        if (pdf is not null)
        {
            objects.Add(new ResultObject(ResultKind.Pdf, "pdf", ResultObjects.EncapsulatedPdf(report, identity, pdf)));
        }

        var captures = 0;
        foreach (var level in report.Levels)
        {
            foreach (var finding in level.Findings.Where(f => f.Explanation?.Overlay is not null))
            {
                var png = await overlay(finding.Explanation!.Overlay!);
                objects.Add(new ResultObject(ResultKind.SecondaryCapture, $"capture-{captures + 1:00}", ResultObjects.SecondaryCapture(report, identity, captures, finding, level, png)));
                captures++;
            }
        }

        return objects;
    }

    /// <summary>The kind of a stored result object, from its SOP class.</summary>
    public static ResultKind KindOf(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.GetString(DicomTags.SopClassUid) switch
        {
            Dicom.StructuredReporting.SrDocument.ComprehensiveSrStorage => ResultKind.StructuredReport,
            Dicom.Segmentation.Segmentations.SegmentationStorage => ResultKind.Segmentation,
            EncapsulatedDocuments.EncapsulatedPdfStorage => ResultKind.Pdf,
            _ => ResultKind.SecondaryCapture,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: no DICOM SEG: {Reason}")]
    private static partial void LogNoSegmentation(ILogger logger, Guid studyId, string reason);
}
