using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Pipeline;
using Spine.Platform.Archive;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>
/// ExplanationsReady to StudyReportPublished: the report assembled (levels cranial to caudal, every model that
/// contributed, the disclaimer their training calls for), stored as JSON (the contracts' schema), as one
/// self-contained HTML page, as a PDF, as DICOM (SR, SEG, Encapsulated PDF and Secondary Captures, indexed for DICOMweb)
/// and as FHIR R4, the study marked completed in the ledger, and the result event published.
/// </summary>
public sealed partial class ReportingConsumer(IObjectStore store, IStudyLedger ledger, IDicomArchive archive, TimeProvider time, ILogger<ReportingConsumer> logger)
    : StudyStage<ExplanationsReady>(ledger, time, logger)
{
    protected override PipelineStage Stage => PipelineStage.Reporting;

    protected override bool CompletesStudy => true;

    protected override IObjectStore Store => store;

    // A redelivered message (a consumer that crashed after its ledger commit, a retry) finds the stage ended and
    // publishes nothing; the report published once is the one the ledger's transaction queued.
    protected override async Task<StageResult> RunAsync(ExplanationsReady message, CancellationToken cancellationToken)
    {
        var manifest = await StudyManifests.ReadAsync(store, message.Manifest, message.StudyId, cancellationToken);
        var models = message.Models
            ?? message.Levels.SelectMany(l => l.Findings).Select(f => f.Model).DistinctBy(m => (m.Name, m.Version)).ToList();
        var report = new StudyReport
        {
            SchemaVersion = ContractInfo.ReportSchemaVersion,
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            SeriesInstanceUid = message.SeriesInstanceUid ?? string.Empty,
            GeneratedAt = Time.GetUtcNow(),
            Levels = message.Levels.OrderBy(l => l.Level).ToList(),
            Models = models,
            Disclaimer = Disclaimer(models),
            RejectedFiles = manifest?.RejectedFiles ?? [],
            Series = message.Series,
        };

        var json = await PutAsync(StudyKeys.ReportJson(message.StudyId), JsonSerializer.SerializeToUtf8Bytes(report, SpineContractsJsonContext.Default.StudyReport), "application/json", cancellationToken);
        var images = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var overlay in report.Levels.SelectMany(l => l.Findings).Select(f => f.Explanation?.Overlay).OfType<ObjectRef>())
        {
            images[overlay.Key] = await store.ReadAllBytesAsync(overlay, cancellationToken);
        }

        var html = await PutAsync(StudyKeys.ReportHtml(message.StudyId),
            Encoding.UTF8.GetBytes(ReportHtml.Render(report, reference => images.GetValueOrDefault(reference.Key))), "text/html; charset=utf-8", cancellationToken);

        byte[]? pdf = null;
        if (ReportPdf.FontsAvailable)
        {
            pdf = ReportPdf.Render(report, reference => images.GetValueOrDefault(reference.Key));
            await PutAsync(StudyKeys.ReportPdf(message.StudyId), pdf, "application/pdf", cancellationToken);
        }
        else
        {
            LogNoPdf(logger, message.StudyId);
        }

        if (manifest is not null)
        {
            await StoreRecordsAsync(report, manifest, pdf, images, cancellationToken);
        }

        LogReported(logger, message.StudyId, report.Levels.Count);
        return StageResult.Completed(new StudyReportPublished
        {
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            CorrelationId = message.CorrelationId,
            OccurredAt = Time.GetUtcNow(),
            Report = report,
            ReportJson = json,
            ReportHtml = html,
            Manifest = message.Manifest,
        }, $"report with {report.Levels.Count} levels");
    }

    /// <summary>The intended-use statement: reference models say they were trained on synthetic phantoms.</summary>
    public static string Disclaimer(IReadOnlyList<ModelInfo> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var synthetic = models.Where(m => m.TrainingData.Contains("synthetic", StringComparison.OrdinalIgnoreCase)).Select(m => m.Name).ToList();
        return synthetic.Count > 0
            ? $"Not for clinical use. Produced by reference models trained on synthetic phantoms only ({string.Join(", ", synthetic)}); not clinically validated. Every finding must be read by a radiologist."
            : "Automated reading by models that have not been cleared for clinical use here; every finding must be confirmed by a radiologist.";
    }

    /// <summary>
    /// The DICOM result objects (SEG, SR, Encapsulated PDF, Secondary Captures) and the FHIR bundle, stored beside the
    /// report for export and the studies API, the DICOM ones indexed for DICOMweb in the patient's study.
    /// </summary>
    private async Task StoreRecordsAsync(StudyReport report, StudyManifest manifest, byte[]? pdf, Dictionary<string, byte[]> overlays, CancellationToken cancellationToken)
    {
        var identity = ResultObjects.IdentityOf(await StudyManifests.SourceHeaderAsync(store, report, manifest, cancellationToken), report.StudyInstanceUid);
        var indexed = new List<ArchivedInstance>();
        foreach (var result in await StudyResultObjects.BuildAsync(store, report, manifest, identity, pdf, reference => Task.FromResult(overlays[reference.Key]), logger, cancellationToken))
        {
            var stored = await PutAsync(StudyKeys.ResultObject(report.StudyId, result.Name), result.Part10, "application/dicom", cancellationToken);
            var file = DicomFile.Read(result.Part10, result.Name, new DicomReadOptions { StopBeforePixelData = true });
            indexed.Add(ArchiveEntries.Of(report.StudyId, file.Dataset, file.TransferSyntax.Uid, stored));
        }

        await archive.AddAsync(indexed, cancellationToken);
        await PutAsync(StudyKeys.ReportFhir(report.StudyId), Encoding.UTF8.GetBytes(FhirReport.ToJson(FhirReport.Build(report, identity, pdf))), FhirReport.MediaType, cancellationToken);
    }

    private async Task<ObjectRef> PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content, writable: false);
        return await store.PutAsync(key, stream, contentType, cancellationToken);
    }


    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: no PDF report, DejaVu Sans is not installed (Debian: fonts-dejavu-core)")]
    private static partial void LogNoPdf(ILogger logger, Guid studyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} reported: {Levels} levels")]
    private static partial void LogReported(ILogger logger, Guid studyId, int levels);
}
