using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spine.Contracts.V1;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Security;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>A study as the API lists it: the platform's identifiers and where it stands, nothing about the patient.</summary>
public sealed record StudySummary(Guid StudyId, string Status, string? Stage, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One stage transition: what started, completed or failed, when, with the failure's code and reason.</summary>
public sealed record StudyTransition(string Stage, string Outcome, DateTimeOffset At, string? Detail);

public sealed record StudyDetail(StudySummary Study, IReadOnlyList<StudyTransition> Transitions);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<StudySummary>))]
[JsonSerializable(typeof(StudyDetail))]
internal sealed partial class StudiesApiJsonContext : JsonSerializerContext;

/// <summary>
/// The studies API on the ledger and the stored reports: GET /studies (newest first, ?skip=&amp;take=), GET
/// /studies/{id} (stage, transitions with their times, errors), GET /studies/{id}/report (JSON; HTML with
/// ?format=html or Accept: text/html; PDF with ?format=pdf or Accept: application/pdf), GET /studies/{id}/sr (the measurement report as a DICOM Comprehensive SR), GET /studies/{id}/seg (the segmentation as DICOM SEG), GET /studies/{id}/fhir (the report as a FHIR R4 transaction Bundle).
/// </summary>
public static class StudiesApi
{
    /// <summary>
    /// What every answer of the studies API carries: patient data is not to be cached or sniffed, and the report page
    /// (inline styles, pictures as data: URIs, no script) may load nothing else nor be framed.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SecurityHeaders = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Cache-Control"] = "no-store",
        ["X-Content-Type-Options"] = "nosniff",
        ["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ["Referrer-Policy"] = "no-referrer",
    };

    public static void Map(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var endpoints = routes.MapGroup(string.Empty).RequireAuthorization(SpineRoles.Read).AddEndpointFilter(async (context, next) =>
        {
            foreach (var (name, value) in SecurityHeaders)
            {
                context.HttpContext.Response.Headers[name] = value;
            }

            return await next(context);
        });
        endpoints.MapGet("/studies", async (IStudyLedger ledger, int? skip, int? take, CancellationToken cancellationToken) =>
        {
            var studies = await ledger.ListAsync(Math.Max(0, skip ?? 0), Math.Clamp(take ?? 50, 1, 500), cancellationToken);
            return Results.Json<IReadOnlyList<StudySummary>>(studies.Select(Summary).ToList(), StudiesApiJsonContext.Default.IReadOnlyListStudySummary);
        });
        endpoints.MapGet("/studies/{id:guid}", async (Guid id, IStudyLedger ledger, CancellationToken cancellationToken) =>
            await ledger.FindAsync(id, cancellationToken) is { } study
                ? Results.Json(new StudyDetail(Summary(study), study.Transitions.Select(t => new StudyTransition(t.Stage.ToString(), t.Outcome.ToString(), t.At, t.Detail)).ToList()), StudiesApiJsonContext.Default.StudyDetail)
                : Results.NotFound());
        endpoints.MapGet("/studies/{id:guid}/report", async (Guid id, string? format, HttpRequest request, IObjectStore store, CancellationToken cancellationToken) =>
        {
            var (key, contentType) = ReportFormat(format, request) switch
            {
                "html" => (StudyKeys.ReportHtml(id), "text/html; charset=utf-8"),
                "pdf" => (StudyKeys.ReportPdf(id), "application/pdf"),
                _ => (StudyKeys.ReportJson(id), "application/json"),
            };
            if (await store.StatAsync(key, cancellationToken) is not { } reference)
            {
                return Results.NotFound();
            }

            return Results.Stream(await store.OpenReadAsync(reference, cancellationToken), contentType);
        });
        endpoints.MapGet("/studies/{id:guid}/fhir", async (Guid id, IObjectStore store, CancellationToken cancellationToken) =>
            await store.StatAsync(StudyKeys.ReportFhir(id), cancellationToken) is { } stored
                ? Results.Stream(await store.OpenReadAsync(stored, cancellationToken), FhirReport.MediaType)
                : Results.NotFound());
        endpoints.MapGet("/studies/{id:guid}/seg", async (Guid id, IObjectStore store, CancellationToken cancellationToken) =>
            await store.StatAsync(StudyKeys.ReportSeg(id), cancellationToken) is { } stored
                ? Results.Stream(await store.OpenReadAsync(stored, cancellationToken), "application/dicom", $"{id}-seg.dcm")
                : Results.NotFound());
        endpoints.MapGet("/studies/{id:guid}/sr", async (Guid id, IObjectStore store, CancellationToken cancellationToken) =>
            await store.StatAsync(StudyKeys.ReportSr(id), cancellationToken) is { } stored
                ? Results.Stream(await store.OpenReadAsync(stored, cancellationToken), "application/dicom", $"{id}-sr.dcm")
                : Results.NotFound());
    }

    /// <summary>?format=html|pdf|json, else the first of text/html or application/pdf the Accept header names, else JSON.</summary>
    private static string ReportFormat(string? format, HttpRequest request)
    {
        if (format is { Length: > 0 })
        {
            return format.ToLowerInvariant();
        }

        var accept = string.Join(',', request.Headers.Accept.OfType<string>());
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) ? "html"
            : accept.Contains("application/pdf", StringComparison.OrdinalIgnoreCase) ? "pdf"
            : "json";
    }

    private static StudySummary Summary(StudyRecord study) =>
        new(study.StudyId, study.Status.ToString(), study.Stage?.ToString(), study.CreatedAt, study.UpdatedAt);
}
