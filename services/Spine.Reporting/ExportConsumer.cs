using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>
/// StudyReportPublished to the configured PACS: the measurement report as a Comprehensive SR (TID 1500), the
/// segmentation as DICOM SEG, the report as Encapsulated PDF and the findings as Secondary Capture objects in the
/// patient's study, each kind as the destination asks, by C-STORE or by DICOMweb STOW-RS, and the report as a FHIR R4
/// transaction Bundle to FHIR servers; each destination tried
/// <see cref="ExportOptions.Attempts"/> times with doubling waits; what still fails is thrown, so the bus's retries and
/// finally its error queue keep the message. UIDs derive from the StudyId, so a resend duplicates nothing. Each attempt's
/// outcome per destination is recorded in the ledger (the console shows it); an operator's ExportRequested sends a
/// reported study's stored results again, to one destination or to all.
/// </summary>
public sealed partial class ExportConsumer(IObjectStore store, IStudyLedger ledger, IHttpClientFactory http, IOptions<ExportOptions> options, ILogger<ExportConsumer> logger)
    : IConsumer<StudyReportPublished>, IConsumer<ExportRequested>
{
    public const string DestinationTag = "spine.export.destination";

    private const string OutcomeTag = "spine.export.outcome";

    private static readonly Counter<long> Attempts = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.export.attempts", "{attempt}", "Attempts to store a study's result objects in a PACS, by destination and outcome: stored, failed (tried again), gave-up (the message goes back to the bus's retries).");

    public Task Consume(ConsumeContext<StudyReportPublished> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExportAsync(context.Message.Report, context.Message.Manifest, options.Value.Destinations, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ExportRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var destinations = options.Value.Destinations.Where(d => message.Destination is null || d.Name == message.Destination).ToList();
        if (destinations.Count == 0 || await StoredReports.ReadAsync(store, message.StudyId, context.CancellationToken) is not { } report)
        {
            LogNothingToResend(logger, message.StudyId, message.Destination ?? "every destination");
            return;
        }

        LogResend(logger, message.StudyId, message.Destination ?? "every destination", message.RequestedBy);
        var manifest = await store.StatAsync(StudyKeys.Manifest(message.StudyId), context.CancellationToken);
        await ExportAsync(report, manifest, destinations, context.CancellationToken);
    }

    private async Task ExportAsync(StudyReport report, ObjectRef? manifest, IReadOnlyList<ExportDestination> destinations, CancellationToken cancellationToken)
    {
        if (destinations.Count == 0)
        {
            return;
        }

        var objects = await CollectAsync(report, manifest, cancellationToken);
        foreach (var destination in destinations)
        {
            var chosen = destination.Kind == ExportKind.Fhir
                ? [await FhirBundleAsync(report.StudyId, cancellationToken)]
                : objects.Where(o => Sends(destination, o.Kind)).Select(o => o.Part10).ToList();
            if (chosen.Count > 0)
            {
                await SendWithRetriesAsync(destination, options.Value, report.StudyId, chosen, cancellationToken);
            }
        }
    }

    /// <summary>Every result object of the study as reporting stored it; for a report from before they were stored, made now.</summary>
    private async Task<List<(ResultKind Kind, byte[] Part10)>> CollectAsync(StudyReport report, ObjectRef? manifestRef, CancellationToken cancellationToken)
    {
        var objects = new List<(ResultKind, byte[])>();
        foreach (var reference in (await store.ListAsync(StudyKeys.ResultObjectsFolder(report.StudyId), cancellationToken)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var bytes = await store.ReadAllBytesAsync(reference, cancellationToken);
            objects.Add((StudyResultObjects.KindOf(DicomFile.Read(bytes, reference.Key, new DicomReadOptions { StopBeforePixelData = true }).Dataset), bytes));
        }

        if (objects.Count == 0)
        {
            var manifest = await StudyManifests.ReadAsync(store, manifestRef, report.StudyId, cancellationToken)
                ?? throw new InvalidDataException($"study {report.StudyId}: no manifest to take the patient and study modules from.");
            var identity = ResultObjects.IdentityOf(await StudyManifests.SourceHeaderAsync(store, report, manifest, cancellationToken), report.StudyInstanceUid);
            var pdf = await store.StatAsync(StudyKeys.ReportPdf(report.StudyId), cancellationToken) is { } stored ? await store.ReadAllBytesAsync(stored, cancellationToken) : null;
            objects.AddRange((await StudyResultObjects.BuildAsync(store, report, manifest, identity, pdf, reference => store.ReadAllBytesAsync(reference, cancellationToken), logger, cancellationToken)).Select(o => (o.Kind, o.Part10)));
        }

        return objects;
    }

    /// <summary>The FHIR bundle reporting stored with the report.</summary>
    private async Task<byte[]> FhirBundleAsync(Guid studyId, CancellationToken cancellationToken) =>
        await store.StatAsync(StudyKeys.ReportFhir(studyId), cancellationToken) is { } stored
            ? await store.ReadAllBytesAsync(stored, cancellationToken)
            : throw new InvalidDataException($"study {studyId}: no FHIR bundle was stored with the report.");

    private static bool Sends(ExportDestination destination, ResultKind kind) => kind switch
    {
        ResultKind.StructuredReport => destination.SendStructuredReport,
        ResultKind.Segmentation => destination.SendSegmentation,
        ResultKind.Pdf => destination.SendPdf,
        _ => destination.SendSecondaryCaptures,
    };

    private async Task SendWithRetriesAsync(ExportDestination destination, ExportOptions settings, Guid studyId, List<byte[]> objects, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(settings.FirstRetryDelaySeconds);
        var destinationTag = new KeyValuePair<string, object?>(DestinationTag, destination.Name);
        for (var attempt = 1; ; attempt++)
        {
            // A span per attempt, so that a trace shows each wait on an unreachable PACS.
            using var activity = SpineTelemetry.Source.StartActivity("dicom export", ActivityKind.Client);
            activity?.SetTag(DestinationTag, destination.Name);
            activity?.SetTag("spine.export.attempt", attempt);
            activity?.SetTag("spine.export.objects", objects.Count);
            try
            {
                await (destination.Kind switch
                {
                    ExportKind.StowRs => StowRsExport.SendAsync(http.CreateClient(HttpExport.ClientName), destination, objects, cancellationToken),
                    ExportKind.Fhir => FhirExport.SendAsync(http.CreateClient(HttpExport.ClientName), destination, objects[0], cancellationToken),
                    _ => SendAsync(destination, settings.CallingAeTitle, objects, cancellationToken),
                });
                Attempts.Add(1, new KeyValuePair<string, object?>(OutcomeTag, "stored"), destinationTag);
                activity?.SetTag(OutcomeTag, "stored");
                LogExported(logger, studyId, objects.Count, destination.Name, attempt);
                await ledger.RecordExportAsync(studyId, destination.Name, ExportOutcome.Stored, attempt, null, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or DicomNetworkException or DicomAssociationRejectedException
                or ExportRefusedException or TimeoutException or AuthenticationException or HttpRequestException
                || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var outcome = attempt >= settings.Attempts ? "gave-up" : "failed";
                Attempts.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome), destinationTag);
                activity?.SetTag(OutcomeTag, outcome);
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                LogAttemptFailed(logger, studyId, destination.Name, attempt, settings.Attempts, ex.Message);
                await ledger.RecordExportAsync(studyId, destination.Name, attempt >= settings.Attempts ? ExportOutcome.GaveUp : ExportOutcome.Retrying, attempt, $"{ex.GetType().Name}: {ex.Message}", cancellationToken);
                if (attempt >= settings.Attempts)
                {
                    throw;
                }
            }

            await Task.Delay(delay, cancellationToken);
            delay *= 2;
        }
    }

    private static async Task SendAsync(ExportDestination destination, string callingAeTitle, List<byte[]> objects, CancellationToken cancellationToken)
    {
        var contexts = DicomClient.ContextsFor([
            (SopClasses.SecondaryCaptureImageStorage, DicomTransferSyntax.ExplicitVRLittleEndian.Uid),
            (Spine.Dicom.StructuredReporting.SrDocument.ComprehensiveSrStorage, DicomTransferSyntax.ExplicitVRLittleEndian.Uid),
            (EncapsulatedDocuments.EncapsulatedPdfStorage, DicomTransferSyntax.ExplicitVRLittleEndian.Uid),
            (Spine.Dicom.Segmentation.Segmentations.SegmentationStorage, DicomTransferSyntax.ExplicitVRLittleEndian.Uid),
        ]);
        await using var client = await DicomClient.ConnectAsync(destination.Host, destination.Port, callingAeTitle, destination.AeTitle, contexts, tls: TlsFor(destination), cancellationToken: cancellationToken);
        foreach (var part10 in objects)
        {
            var status = await client.StoreAsync(part10, cancellationToken);
            if (status != DimseStatus.Success && (status & 0xF000) != 0xB000)
            {
                throw new ExportRefusedException($"{destination.Name} answered C-STORE with status 0x{status:X4}.");
            }
        }

        await client.ReleaseAsync(cancellationToken);
    }

    /// <summary>The TLS settings of a destination that asks for TLS: its trusted roots, and the platform's certificate when it has one.</summary>
    internal static SslClientAuthenticationOptions? TlsFor(ExportDestination destination)
    {
        if (!destination.Tls)
        {
            return null;
        }

        var tls = new SslClientAuthenticationOptions { TargetHost = destination.Host, EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        if (destination.TlsTrustedCertificatesPath is { } trusted)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.ImportFromPemFile(trusted);
            tls.CertificateChainPolicy = policy;
        }

        if (destination.TlsCertificatePath is { } certificate)
        {
            tls.ClientCertificates = [X509Certificate2.CreateFromPemFile(certificate, destination.TlsKeyPath)];
        }

        return tls;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId}: results sent again to {Destination}, as {Caller} asked")]
    private static partial void LogResend(ILogger logger, Guid studyId, string destination, string caller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: nothing to send again to {Destination} (no report stored, or no such destination)")]
    private static partial void LogNothingToResend(ILogger logger, Guid studyId, string destination);

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId}: {Objects} result objects stored in {Destination} (attempt {Attempt})")]
    private static partial void LogExported(ILogger logger, Guid studyId, int objects, string destination, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: export to {Destination} failed, attempt {Attempt} of {Attempts}: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid studyId, string destination, int attempt, int attempts, string reason);
}

/// <summary>The destination refused an object (a failure status).</summary>
public sealed class ExportRefusedException(string message) : Exception(message);

/// <summary>The kinds of result object, each switched on or off per destination.</summary>
public enum ResultKind
{
    StructuredReport,
    Segmentation,
    Pdf,
    SecondaryCapture,
}
