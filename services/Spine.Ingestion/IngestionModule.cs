using Microsoft.Extensions.DependencyInjection;
using Spine.Platform.Hosting;

namespace Spine.Ingestion;

public static class IngestionModule
{
    /// <summary>Ingestion: folder import (used by <c>spine analyze</c>); network ingestion (DIMSE, STOW-RS) comes with issue 7.</summary>
    public static SpineServiceModule Module { get; } = new(
        "ingestion",
        "Ingestion: imports studies (folder import), stores every instance, publishes StudyReceived.",
        _ => { },
        builder => builder.Services.AddSingleton<FolderImport>());
}
