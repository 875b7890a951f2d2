namespace Spine.Ingestion;

/// <summary><c>Spine:Ingestion:Dimse</c>: the storage SCP that modalities and PACS push studies to.</summary>
public sealed class DimseOptions
{
    public const string Section = "Spine:Ingestion:Dimse";

    public bool Enabled { get; set; }

    /// <summary>Address to listen on; 0.0.0.0 for every interface.</summary>
    public string Address { get; set; } = "0.0.0.0";

    public int Port { get; set; } = 11112;

    public string AeTitle { get; set; } = "SPINE";

    /// <summary>Calling AE titles allowed to send; empty lets any AE title in (say so on purpose: <see cref="AllowAnyCallingAeTitle"/>).</summary>
    public List<string> AllowedCallingAeTitles { get; set; } = [];

    /// <summary>Needed to run without an allow-list, so that an empty list is never an accident.</summary>
    public bool AllowAnyCallingAeTitle { get; set; }

    /// <summary>Remote IP addresses allowed to connect; empty allows any.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    public int MaxAssociations { get; set; } = 16;

    /// <summary>Connections not yet associated; beyond it the oldest is closed (a flood of idle connections cannot lock senders out).</summary>
    public int MaxPendingConnections { get; set; } = 64;

    public double ArtimTimeoutSeconds { get; set; } = 30;

    public double IdleTimeoutSeconds { get; set; } = 300;

    public int MaxPduLength { get; set; } = 256 * 1024;

    /// <summary>The longest data set (one instance) a sender may send, in bytes; beyond it the association is aborted (default 512 MiB).</summary>
    public long MaxDataSetBytes { get; set; } = Spine.Dicom.Network.DimseChannel.DefaultMaxDataSetLength;

    /// <summary>PEM certificate (chain) of the SCP; with <see cref="TlsKeyPath"/>, every association is TLS (DICOM's secure transport connection profile).</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificatePath"/> (mounted from a secret, never committed).</summary>
    public string? TlsKeyPath { get; set; }
}
