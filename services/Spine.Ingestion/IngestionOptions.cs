using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Spine.Ingestion;

/// <summary><c>Spine:Ingestion</c>: where the ingestion service may import folders from.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Spine:Ingestion";

    /// <summary>
    /// Folder under which <c>POST /imports</c> reads (a shared volume where studies are dropped); requests name a folder
    /// relative to it and cannot leave it. Unset: the endpoint answers 404 and the service only imports what is handed
    /// to it in process.
    /// </summary>
    public string? ImportRoot { get; set; }

    /// <summary>
    /// A study being received (over DIMSE or STOW-RS) is complete when no association or request still sending it is
    /// open and this long has passed since its last instance; instances arriving within it join the same study.
    /// </summary>
    public double QuietPeriodSeconds { get; set; } = 5;

    /// <summary>The longest STOW-RS request body, in bytes (default 4 GiB: a whole study in one request).</summary>
    public long MaxStowRequestBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The longest part (one instance) of a STOW-RS request, in bytes (default 512 MiB, as DIMSE's MaxDataSetBytes).</summary>
    public long MaxStowPartBytes { get; set; } = Spine.Dicom.Network.DimseChannel.DefaultMaxDataSetLength;

    /// <summary>Moved to <c>Spine:Security:ApiKeys</c> (with a name and roles); bound only to stop a host that still sets it.</summary>
    public List<string> ApiKeys { get; set; } = [];

    internal static void Add(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>()
            .BindConfiguration(Section)
            .Validate(options => options.ImportRoot is null || Directory.Exists(options.ImportRoot),
                $"{Section}:ImportRoot is not a folder.")
            .Validate(options => options.QuietPeriodSeconds is > 0 and <= 3600, $"{Section}:QuietPeriodSeconds must be between 0 and 3600.")
            .Validate(options => options.MaxStowPartBytes is >= 1024 * 1024 and <= int.MaxValue && options.MaxStowRequestBytes >= options.MaxStowPartBytes,
                $"{Section}:MaxStowPartBytes must be between 1 MiB and 2 GiB, and MaxStowRequestBytes at least as long.")
            .Validate(options => options.ApiKeys.Count == 0,
                $"{Section}:ApiKeys has moved: set Spine:Security:ApiKeys:N:Name, :Key and :Roles (send) instead.")
            .ValidateOnStart();
        builder.Services.AddOptions<DimseOptions>()
            .BindConfiguration(DimseOptions.Section)
            .Validate(o => !o.Enabled || o.AllowAnyCallingAeTitle || o.AllowedCallingAeTitles.Count > 0,
                $"{DimseOptions.Section}:AllowedCallingAeTitles is empty: list the modalities and PACS that may send, or set AllowAnyCallingAeTitle=true.")
            .Validate(o => o.AeTitle.Length is > 0 and <= 16 && o.AeTitle.All(c => c is >= ' ' and <= '~' and not '\\'),
                $"{DimseOptions.Section}:AeTitle must be 1 to 16 printable characters without a backslash.")
            .Validate(o => o.Port is >= 0 and <= 65535 && System.Net.IPAddress.TryParse(o.Address, out _), $"{DimseOptions.Section}:Address or Port is not a valid endpoint.")
            .Validate(o => o.AllowedHosts.All(h => System.Net.IPAddress.TryParse(h, out _)), $"{DimseOptions.Section}:AllowedHosts must be IP addresses.")
            .Validate(o => o.MaxDataSetBytes is >= 1024 * 1024 and <= int.MaxValue, $"{DimseOptions.Section}:MaxDataSetBytes must be between 1 MiB and 2 GiB.")
            .Validate(o => (o.TlsCertificatePath is null) == (o.TlsKeyPath is null) && (o.TlsCertificatePath is null || (File.Exists(o.TlsCertificatePath) && File.Exists(o.TlsKeyPath))),
                $"{DimseOptions.Section}:TlsCertificatePath and TlsKeyPath go together and must name existing PEM files.")
            .Validate(o => o.MaxAssociations > 0 && o.MaxPendingConnections > 0 && o.ArtimTimeoutSeconds > 0 && o.IdleTimeoutSeconds > 0 && o.MaxPduLength >= 4096,
                $"{DimseOptions.Section}: MaxAssociations, MaxPendingConnections and the timeouts must be positive, MaxPduLength at least 4096.")
            .ValidateOnStart();
    }
}
