namespace Spine.Reporting;

/// <summary>A PACS (or any storage SCP) that receives the study's result objects.</summary>
public sealed class ExportDestination
{
    public string Name { get; set; } = string.Empty;
    public string Host { get; set; } = string.Empty;
    public int Port { get; set; } = 104;
    public string AeTitle { get; set; } = string.Empty;

    /// <summary>DICOM over TLS (PS3.15 secure transport connection profile, TLS 1.2 or 1.3); the PACS's certificate must name <see cref="Host"/>.</summary>
    public bool Tls { get; set; }

    /// <summary>PEM certificates to trust as roots for this PACS (a hospital CA); unset: the system's trust store.</summary>
    public string? TlsTrustedCertificatesPath { get; set; }

    /// <summary>PEM certificate the platform presents, for a PACS that requires client certificates; with <see cref="TlsKeyPath"/>.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificatePath"/> (mounted from a secret, never committed).</summary>
    public string? TlsKeyPath { get; set; }
}

/// <summary><c>Spine:Export</c>: where reports go back to as DICOM objects, and how hard to try.</summary>
public sealed class ExportOptions
{
    public const string Section = "Spine:Export";

    public List<ExportDestination> Destinations { get; set; } = [];

    /// <summary>The AE title the platform calls with.</summary>
    public string CallingAeTitle { get; set; } = "SPINE";

    /// <summary>Tries per destination before the message goes to the bus's retries (and finally its error queue).</summary>
    public int Attempts { get; set; } = 5;

    /// <summary>Wait after the first failure; it doubles after each.</summary>
    public double FirstRetryDelaySeconds { get; set; } = 2;
}
