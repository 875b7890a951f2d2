using Microsoft.Extensions.DependencyInjection;
using Spine.Platform.Hosting;

namespace Spine.Ingestion;

public static class IngestionModule
{
    /// <summary>Ingestion: folder import, in process (<c>spine analyze</c>) or by <c>POST /imports</c>; network ingestion (DIMSE, STOW-RS) comes with issue 7.</summary>
    public static SpineServiceModule Module { get; } = new(
        "ingestion",
        "Ingestion: imports studies from folders (POST /imports under Spine:Ingestion:ImportRoot), stores every instance, publishes StudyReceived.",
        _ => { },
        builder =>
        {
            IngestionOptions.Add(builder);
            builder.Services.AddSingleton<FolderImport>();
        },
        ImportApi.Map);
}
