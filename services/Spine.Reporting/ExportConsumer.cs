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
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>
/// StudyReportPublished to the configured PACS: the measurement report as a Comprehensive SR (TID 1500), the report
/// as Encapsulated PDF and the findings as Secondary Capture objects in the patient's study,
/// sent by C-STORE to every destination, each tried <see cref="ExportOptions.Attempts"/> times with doubling waits;
/// what still fails is thrown, so the bus's retries and finally its error queue keep the message.
/// </summary>
public sealed partial class ExportConsumer(IObjectStore store, IOptions<ExportOptions> options, ILogger<ExportConsumer> logger) : IConsumer<StudyReportPublished>
{
    public const string DestinationTag = "spine.export.destination";

    private const string OutcomeTag = "spine.export.outcome";

    private static readonly Counter<long> Attempts = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.export.attempts", "{attempt}", "Attempts to store a study's result objects in a PACS, by destination and outcome: stored, failed (tried again), gave-up (the message goes back to the bus's retries).");

    public async Task Consume(ConsumeContext<StudyReportPublished> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = options.Value;
        if (settings.Destinations.Count == 0)
        {
            return;
        }

        var report = context.Message.Report;
        var cancellationToken = context.CancellationToken;
        var identity = ResultObjects.IdentityOf(await StudyManifests.SourceHeaderAsync(store, report, context.Message.Manifest, cancellationToken), report.StudyInstanceUid);
        var objects = new List<byte[]> { MeasurementReportSr.Build(report, identity, SpineVersion.Informational) };
        foreach (var level in report.Levels)
        {
            foreach (var finding in level.Findings.Where(f => f.Explanation?.Overlay is not null))
            {
                objects.Add(ResultObjects.SecondaryCapture(report, identity, objects.Count - 1, finding, level, await store.ReadAllBytesAsync(finding.Explanation!.Overlay!, cancellationToken)));
            }
        }

        if (await store.StatAsync(StudyKeys.ReportPdf(report.StudyId), cancellationToken) is { } pdf)
        {
            objects.Add(ResultObjects.EncapsulatedPdf(report, identity, await store.ReadAllBytesAsync(pdf, cancellationToken)));
        }

        foreach (var destination in settings.Destinations)
        {
            await SendWithRetriesAsync(destination, settings, report.StudyId, objects, cancellationToken);
        }
    }

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
                await SendAsync(destination, settings.CallingAeTitle, objects, cancellationToken);
                Attempts.Add(1, new KeyValuePair<string, object?>(OutcomeTag, "stored"), destinationTag);
                activity?.SetTag(OutcomeTag, "stored");
                LogExported(logger, studyId, objects.Count, destination.Name, attempt);
                return;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or DicomNetworkException or DicomAssociationRejectedException or ExportRefusedException or TimeoutException or AuthenticationException)
            {
                var outcome = attempt >= settings.Attempts ? "gave-up" : "failed";
                Attempts.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome), destinationTag);
                activity?.SetTag(OutcomeTag, outcome);
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                LogAttemptFailed(logger, studyId, destination.Name, attempt, settings.Attempts, ex.Message);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId}: {Objects} result objects stored in {Destination} (attempt {Attempt})")]
    private static partial void LogExported(ILogger logger, Guid studyId, int objects, string destination, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {StudyId}: export to {Destination} failed, attempt {Attempt} of {Attempts}: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid studyId, string destination, int attempt, int attempts, string reason);
}

/// <summary>The destination refused an object (a failure status).</summary>
public sealed class ExportRefusedException(string message) : Exception(message);
