namespace Spine.Reporting;

/// <summary>How a destination receives objects.</summary>
public enum ExportKind
{
    /// <summary>DIMSE C-STORE to a storage SCP (<see cref="ExportDestination.Host"/>, Port, AeTitle).</summary>
    Dimse,

    /// <summary>DICOMweb STOW-RS (PS3.18 10.5): POST to <see cref="ExportDestination.Url"/>/studies.</summary>
    StowRs,

    /// <summary>A FHIR R4 server: the report's transaction Bundle POSTed to <see cref="ExportDestination.Url"/> (its base).</summary>
    Fhir,
}

/// <summary>A PACS (a storage SCP or a DICOMweb server) that receives the study's result objects and which of them, or a FHIR server that receives the report.</summary>
public sealed class ExportDestination
{
    public string Name { get; set; } = string.Empty;

    public ExportKind Kind { get; set; } = ExportKind.Dimse;

    /// <summary>STOW-RS: the DICOMweb service's base URL (for example https://pacs.example/dicom-web); FHIR: the server's base.</summary>
    public string? Url { get; set; }

    /// <summary>STOW-RS and FHIR: user for HTTP basic authentication, with <see cref="PasswordPath"/>; unset: no authentication.</summary>
    public string? Username { get; set; }

    /// <summary>STOW-RS and FHIR: file holding the password (mounted from a secret, never committed).</summary>
    public string? PasswordPath { get; set; }

    /// <summary>Send the measurement report (Comprehensive SR, TID 1500).</summary>
    public bool SendStructuredReport { get; set; } = true;

    /// <summary>Send the segmentation (DICOM SEG).</summary>
    public bool SendSegmentation { get; set; } = true;

    /// <summary>Send the report as Encapsulated PDF.</summary>
    public bool SendPdf { get; set; } = true;

    /// <summary>Send one Secondary Capture per finding (its overlay).</summary>
    public bool SendSecondaryCaptures { get; set; } = true;

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
