using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spine.Dicom.Network;

namespace Spine.Ingestion;

/// <summary>
/// Runs ingestion's storage SCP when <c>Spine:Ingestion:Dimse:Enabled</c>, and completes quiet studies every second.
/// The host's start waits for the studies interrupted by the last stop to be reopened and for the SCP to listen, so a
/// started service accepts associations.
/// </summary>
internal sealed partial class DimseListener(DimseIntake intake, IOptions<DimseOptions> options, TimeProvider time, ILogger<DimseListener> logger) : BackgroundService
{
    private DicomServer? _server;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Enabled)
        {
            await ListenAsync(settings, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    private async Task ListenAsync(DimseOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            await intake.RecoverAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // New studies must still come in; the unfinished ones stay in the ledger for the next start.
            LogRecoveryFailed(logger, ex.Message);
        }

        _server = new DicomServer(
            new DicomServerSettings
            {
                AeTitle = settings.AeTitle,
                AllowedCallingAeTitles = settings.AllowedCallingAeTitles.ToHashSet(StringComparer.Ordinal),
                AllowedHosts = settings.AllowedHosts.Select(IPAddress.Parse).ToHashSet(),
                MaxAssociations = settings.MaxAssociations,
                MaxPduLength = (uint)settings.MaxPduLength,
                MaxDataSetLength = settings.MaxDataSetBytes,
                ArtimTimeout = TimeSpan.FromSeconds(settings.ArtimTimeoutSeconds),
                IdleTimeout = TimeSpan.FromSeconds(settings.IdleTimeoutSeconds),
                Certificate = settings.TlsCertificatePath is { } certificate
                    ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificate, settings.TlsKeyPath)
                    : null,
            },
            intake,
            new IPEndPoint(IPAddress.Parse(settings.Address), settings.Port));
        _server.Start();
        LogListening(logger, settings.AeTitle, _server.LocalEndpoint.ToString(), settings.TlsCertificatePath is null ? "plain TCP" : "TLS");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_server is null)
        {
            return;
        }

        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await intake.CompleteQuietStudiesAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            await _server.DisposeAsync();
            await intake.CompleteQuietStudiesAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Studies interrupted by the last stop could not be recovered: {Reason}")]
    private static partial void LogRecoveryFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "DICOM storage SCP {AeTitle} listening on {Endpoint} ({Transport})")]
    private static partial void LogListening(ILogger logger, string aeTitle, string endpoint, string transport);
}
