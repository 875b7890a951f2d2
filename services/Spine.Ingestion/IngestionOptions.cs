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

    internal static void Add(IHostApplicationBuilder builder) =>
        builder.Services.AddOptions<IngestionOptions>()
            .BindConfiguration(Section)
            .Validate(options => options.ImportRoot is null || Directory.Exists(options.ImportRoot),
                $"{Section}:ImportRoot is not a folder.")
            .ValidateOnStart();
}
