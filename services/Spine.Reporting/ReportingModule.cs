using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Security;

namespace Spine.Reporting;

public static class ReportingModule
{
    /// <summary>Reporting: the report as JSON and HTML, StudyReportPublished, and the studies API.</summary>
    public static SpineServiceModule Module { get; } = new(
        "reporting",
        "Reporting: the report as JSON and self-contained HTML in storage; publishes StudyReportPublished; the studies API and DICOMweb query and retrieval (QIDO-RS, WADO-RS); exports the findings to PACS (Spine:Export); the web console at /console.",
        bus =>
        {
            bus.AddConsumer<ReportingConsumer>();
            bus.AddConsumer<ExportConsumer>();
        },
        builder =>
        {
            // Reporting watches the deadline of every study (the ledger is shared): a stuck study ends in StudyFailed; and
            // it exports each stage's backlog and oldest wait from the ledger.
            builder.Services.AddHostedService<StudyDeadlines>();
            builder.Services.AddHostedService<StudyBacklogMonitor>();
            builder.Services.AddHttpClient(HttpExport.ClientName, client => client.Timeout = TimeSpan.FromMinutes(2));
            builder.Services.AddOptions<ExportOptions>()
                .BindConfiguration(ExportOptions.Section)
                .Validate(o => o.Destinations.All(d => d.Name.Length > 0 && (d.Kind is ExportKind.StowRs or ExportKind.Fhir
                        ? Uri.TryCreate(d.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && (d.Username is null) == (d.PasswordPath is null) && (d.PasswordPath is null || File.Exists(d.PasswordPath))
                        : d.Host.Length > 0 && d.Port is > 0 and <= 65535 && d.AeTitle.Length is > 0 and <= 16)),
                    $"{ExportOptions.Section}:Destinations: each needs a Name; a Dimse destination a Host, Port and an AE title of 1 to 16 characters; a StowRs or Fhir destination an http(s) Url, and Username with an existing PasswordPath or neither.")
                .Validate(o => o.Destinations.All(d => (d.TlsCertificatePath is null) == (d.TlsKeyPath is null)
                        && new[] { d.TlsTrustedCertificatesPath, d.TlsCertificatePath, d.TlsKeyPath }.All(path => path is null || (d.Tls && File.Exists(path)))),
                    $"{ExportOptions.Section}:Destinations: TlsCertificatePath and TlsKeyPath go together, and every Tls*Path needs Tls=true and must name an existing PEM file.")
                .Validate<IOptions<SecurityOptions>>((o, security) => !security.Value.RequireTransportSecurity
                        || o.Destinations.All(d => d.Kind == ExportKind.Dimse ? d.Tls : d.Url!.StartsWith("https://", StringComparison.OrdinalIgnoreCase)),
                    $"{ExportOptions.Section}:Destinations: every Dimse destination needs Tls=true and every StowRs or Fhir one an https Url ({SecurityOptions.Section}:RequireTransportSecurity is true).")
                .Validate(o => o.Attempts >= 1 && o.FirstRetryDelaySeconds >= 0 && o.CallingAeTitle.Length is > 0 and <= 16,
                    $"{ExportOptions.Section}: Attempts at least 1, FirstRetryDelaySeconds not negative, CallingAeTitle 1 to 16 characters.")
                .ValidateOnStart();
        },
        endpoints =>
        {
            StudiesApi.Map(endpoints);
            StudiesApi.Map(endpoints, WebConsole.ConsoleApi.Root);
            DicomWebApi.Map(endpoints);
            WebConsole.ConsoleApi.Map(endpoints);
        });
}
