using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Spine.Contracts.V1;
using Spine.Platform.Hosting;

namespace Spine.Ingestion;

/// <summary>Body of <c>POST /imports</c>: a folder relative to <see cref="IngestionOptions.ImportRoot"/>.</summary>
public sealed record ImportRequest(string Folder);

/// <param name="Repeated">The same instances were imported before under this StudyId; nothing was done again.</param>
public sealed record ImportedStudySummary(Guid StudyId, int InstanceCount, bool Repeated);

/// <summary>What the import did: the studies now in the pipeline (by the platform's StudyId) and every file skipped, with why.</summary>
public sealed record ImportResponse(IReadOnlyList<ImportedStudySummary> Studies, IReadOnlyList<RejectedFile> RejectedFiles);

public sealed record ImportProblem(string Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ImportRequest))]
[JsonSerializable(typeof(ImportResponse))]
[JsonSerializable(typeof(ImportProblem))]
internal sealed partial class ImportApiJsonContext : JsonSerializerContext;

/// <summary>
/// <c>POST /imports {"folder": "..."}</c>: the ingestion service imports a folder from its import root (a volume that
/// modalities' export jobs or people drop studies into) and answers with the studies it started and the files it
/// skipped (202; 200 when every study was imported before with the same instances, answered with its StudyId).
/// </summary>
public static class ImportApi
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/imports", async (HttpRequest request, IOptions<IngestionOptions> options, FolderImport import, CancellationToken cancellationToken) =>
        {
            if (options.Value.ImportRoot is not { } root)
            {
                return Problem(StatusCodes.Status404NotFound, $"folder import is not configured ({IngestionOptions.Section}:ImportRoot is unset).");
            }

            ImportRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync(request.Body, ImportApiJsonContext.Default.ImportRequest, cancellationToken);
            }
            catch (JsonException ex)
            {
                return Problem(StatusCodes.Status400BadRequest, $"the body is not an import request: {ex.Message}");
            }

            if (string.IsNullOrWhiteSpace(body?.Folder))
            {
                return Problem(StatusCodes.Status400BadRequest, "the body must name a folder: {\"folder\": \"relative/path\"}.");
            }

            if (Resolve(root, body.Folder) is not { } folder)
            {
                return Problem(StatusCodes.Status400BadRequest, $"'{body.Folder}' is not a folder under the import root.");
            }

            if (!Directory.Exists(folder))
            {
                return Problem(StatusCodes.Status404NotFound, $"'{body.Folder}': folder not found under the import root.");
            }

            var result = await import.ImportFolderAsync(folder, cancellationToken, answerRepeats: true);
            var response = new ImportResponse(result.Studies.Select(s => new ImportedStudySummary(s.StudyId, s.InstanceCount, s.Repeated)).ToList(), result.RejectedFiles);
            return Results.Json(response, ImportApiJsonContext.Default.ImportResponse,
                statusCode: result.Studies.Count == 0 ? StatusCodes.Status422UnprocessableEntity : result.Studies.All(s => s.Repeated) ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
        })
            .DocumentsBody<ImportRequest>("application/json")
            .Produces<ImportResponse>(StatusCodes.Status202Accepted)
            .Produces<ImportResponse>(StatusCodes.Status200OK)
            .Produces<ImportResponse>(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or null when it would leave the root.</summary>
    internal static string? Resolve(string root, string relative)
    {
        if (Path.IsPathRooted(relative))
        {
            return null;
        }

        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative));
        return full == fullRoot || full.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    private static IResult Problem(int status, string error) =>
        Results.Json(new ImportProblem(error), ImportApiJsonContext.Default.ImportProblem, statusCode: status);
}
