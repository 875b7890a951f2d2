using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spine.Dicom.Network;

namespace Spine.Ingestion;

/// <summary>
/// Runs ingestion's storage SCP when <c>Spine:Ingestion:Dimse:Enabled</c>. It starts after <see cref="OpenStudiesService"/>
/// has reopened the studies the last stop interrupted, so a started service accepts associations.
/// </summary>
internal sealed partial class DimseListener(DimseIntake intake, IOptions<DimseOptions> options, ILogger<DimseListener> logger) : IHostedService
{
    private DicomServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        _server = new DicomServer(
            new DicomServerSettings
            {
                AeTitle = settings.AeTitle,
                AllowedCallingAeTitles = settings.AllowedCallingAeTitles.ToHashSet(StringComparer.Ordinal),
                AllowedHosts = settings.AllowedHosts.Select(IPAddress.Parse).ToHashSet(),
                MaxAssociations = settings.MaxAssociations,
                MaxPendingConnections = settings.MaxPendingConnections,
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
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DICOM storage SCP {AeTitle} listening on {Endpoint} ({Transport})")]
    private static partial void LogListening(ILogger logger, string aeTitle, string endpoint, string transport);
}
