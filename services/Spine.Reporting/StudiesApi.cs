using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MassTransit;
using Spine.Contracts.V1;
using Spine.Pipeline;
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

/// <summary>Run a study again from a stage: preprocessing, segmentation, classification, explanation or reporting.</summary>
public sealed record RerunRequest(string From);

public sealed record RerunAccepted(Guid StudyId, string From);

/// <summary>Send a reported study's results again: to the destination named, or to every one when it is null.</summary>
public sealed record ResendRequest(string? Destination);

public sealed record ResendAccepted(Guid StudyId, string? Destination);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<StudySummary>))]
[JsonSerializable(typeof(StudyDetail))]
[JsonSerializable(typeof(RerunRequest))]
[JsonSerializable(typeof(RerunAccepted))]
[JsonSerializable(typeof(ResendRequest))]
[JsonSerializable(typeof(ResendAccepted))]
internal sealed partial class StudiesApiJsonContext : JsonSerializerContext;

/// <summary>
/// The studies API on the ledger and the stored reports: GET /studies (newest first, ?skip=&amp;take=), GET
/// /studies/{id} (stage, transitions with their times, errors), GET /studies/{id}/report (JSON; HTML with
/// ?format=html or Accept: text/html; PDF with ?format=pdf or Accept: application/pdf), GET /studies/{id}/sr (the measurement report as a DICOM Comprehensive SR), GET /studies/{id}/seg (the segmentation as DICOM SEG), GET /studies/{id}/fhir (the report as a FHIR R4 transaction Bundle), and POST /studies/{id}/rerun (operate role).
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

    /// <param name="prefix">Where the API is mapped: at the root for programs, and under the console's path again so
    /// that a browser signed in to the console presents its credentials to it (browsers send them only below the path).</param>
    public static void Map(IEndpointRouteBuilder routes, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup(prefix).AddEndpointFilter(async (context, next) =>
        {
            foreach (var (name, value) in SecurityHeaders)
            {
                context.HttpContext.Response.Headers[name] = value;
            }

            return await next(context);
        });
        group.MapPost("/studies/{id:guid}/rerun", RerunAsync).RequireAuthorization(SpineRoles.Operate)
            .DocumentsBody<RerunRequest>("application/json")
            .Produces<RerunAccepted>(StatusCodes.Status202Accepted)
            .Produces(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/studies/{id:guid}/export", ResendAsync).RequireAuthorization(SpineRoles.Operate)
            .DocumentsBody<ResendRequest>("application/json")
            .Produces<ResendAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        var endpoints = group.MapGroup(string.Empty).RequireAuthorization(SpineRoles.Read);
        endpoints.MapGet("/studies", async (IStudyLedger ledger, int? skip, int? take, CancellationToken cancellationToken) =>
        {
            var studies = await ledger.ListAsync(Math.Max(0, skip ?? 0), Math.Clamp(take ?? 50, 1, 500), cancellationToken);
            return Results.Json<IReadOnlyList<StudySummary>>(studies.Select(Summary).ToList(), StudiesApiJsonContext.Default.IReadOnlyListStudySummary);
        }).Produces<IReadOnlyList<StudySummary>>();
        endpoints.MapGet("/studies/{id:guid}", async (Guid id, IStudyLedger ledger, CancellationToken cancellationToken) =>
            await ledger.FindAsync(id, cancellationToken) is { } study
                ? Results.Json(new StudyDetail(Summary(study), study.Transitions.Select(t => new StudyTransition(t.Stage.ToString(), t.Outcome.ToString(), t.At, t.Detail)).ToList()), StudiesApiJsonContext.Default.StudyDetail)
                : Results.NotFound())
            .Produces<StudyDetail>()
            .Produces(StatusCodes.Status404NotFound);
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
        })
            .Produces<StudyReport>(StatusCodes.Status200OK, "application/json", "text/html", "application/pdf")
            .Produces(StatusCodes.Status404NotFound);
        endpoints.MapGet("/studies/{id:guid}/fhir", async (Guid id, IObjectStore store, CancellationToken cancellationToken) =>
            await store.StatAsync(StudyKeys.ReportFhir(id), cancellationToken) is { } stored
                ? Results.Stream(await store.OpenReadAsync(stored, cancellationToken), FhirReport.MediaType)
                : Results.NotFound())
            .Produces<Stream>(StatusCodes.Status200OK, FhirReport.MediaType)
            .Produces(StatusCodes.Status404NotFound);
        endpoints.MapGet("/studies/{id:guid}/seg", async (Guid id, IObjectStore store, CancellationToken cancellationToken) =>
            await store.StatAsync(StudyKeys.ReportSeg(id), cancellationToken) is { } stored
                ? Results.Stream(await store.OpenReadAsync(stored, cancellationToken), "application/dicom", $"{id}-seg.dcm")
                : Results.NotFound())
            .Produces<Stream>(StatusCodes.Status200OK, "application/dicom")
            .Produces(StatusCodes.Status404NotFound);
        endpoints.MapGet("/studies/{id:guid}/sr", async (Guid id, IObjectStore store, CancellationToken cancellationToken) =>
            await store.StatAsync(StudyKeys.ReportSr(id), cancellationToken) is { } stored
                ? Results.Stream(await store.OpenReadAsync(stored, cancellationToken), "application/dicom", $"{id}-sr.dcm")
                : Results.NotFound())
            .Produces<Stream>(StatusCodes.Status200OK, "application/dicom")
            .Produces(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// POST /studies/{id}/rerun with <c>{"from": "segmentation"}</c> (operate role; a JSON body, which a form on another
    /// site cannot send): runs a completed or failed study again from a stage it reached, from that stage's stored input.
    /// The ledger records who asked. 202 when queued; 404 unknown study; 409 still in progress; 400 a stage it cannot run from.
    /// </summary>
    private static async Task<IResult> RerunAsync(Guid id, HttpContext context, IStudyLedger ledger, IObjectStore store, CancellationToken cancellationToken)
    {
        var (request, refusal) = await ReadJsonAsync(context, StudiesApiJsonContext.Default.RerunRequest, "{\"from\": \"STAGE\"}", cancellationToken);
        if (request is null)
        {
            return refusal!;
        }

        if (request.From is null || !Enum.TryParse<PipelineStage>(request.From, ignoreCase: true, out var from) || !StageInputs.Rerunnable.Contains(from))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"from {request.From}: one of {string.Join(", ", StageInputs.Rerunnable)}.");
        }

        if (await ledger.FindAsync(id, cancellationToken) is null)
        {
            return Results.NotFound();
        }

        if (await StageInputs.LoadAsync(store, id, from, cancellationToken) is not { } input)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"the study never reached {from}: run it again from an earlier stage.");
        }

        var caller = context.User.Identity?.Name ?? "an unnamed caller";
        return await ledger.RequestRerunAsync(id, from, caller, input, cancellationToken) switch
        {
            RerunOutcome.Queued => Results.Json(new RerunAccepted(id, from.ToString()), StudiesApiJsonContext.Default.RerunAccepted, statusCode: StatusCodes.Status202Accepted),
            RerunOutcome.InProgress => Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "the study is still in progress: run it again once it has completed or failed."),
            _ => Results.NotFound(),
        };
    }

    /// <summary>
    /// POST /studies/{id}/export with <c>{"destination": "NAME"}</c>, or <c>{}</c> for every destination (operate role; a
    /// JSON body): sends a reported study's stored results again. 202 when queued; 404 no report; 400 no such destination.
    /// </summary>
    private static async Task<IResult> ResendAsync(Guid id, HttpContext context, IStudyLedger ledger, IObjectStore store, IOptions<ExportOptions> export, IPublishEndpoint bus, TimeProvider time, CancellationToken cancellationToken)
    {
        var (request, refusal) = await ReadJsonAsync(context, StudiesApiJsonContext.Default.ResendRequest, "{\"destination\": \"NAME\"}", cancellationToken);
        if (request is null)
        {
            return refusal!;
        }

        if (request.Destination is { } name && !export.Value.Destinations.Any(d => d.Name == name))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"destination {name}: the configured ones are {string.Join(", ", export.Value.Destinations.Select(d => d.Name))}.");
        }

        if (await ledger.FindAsync(id, cancellationToken) is not { Status: StudyStatus.Completed } study || await store.StatAsync(StudyKeys.ReportJson(id), cancellationToken) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "no reported study has this id.");
        }

        var caller = context.User.Identity?.Name ?? "an unnamed caller";
        await bus.Publish(new ExportRequested
        {
            StudyId = id,
            StudyInstanceUid = study.StudyInstanceUid,
            CorrelationId = Guid.NewGuid(),
            OccurredAt = time.GetUtcNow(),
            Destination = request.Destination,
            RequestedBy = caller,
        }, cancellationToken);
        return Results.Json(new ResendAccepted(id, request.Destination), StudiesApiJsonContext.Default.ResendAccepted, statusCode: StatusCodes.Status202Accepted);
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

    /// <summary>
    /// The JSON body of an action, or why it is refused. Only application/json is read: a form on another site can carry
    /// a signed-in browser's credentials, but not this content type without the browser asking first (and no other
    /// origin is allowed).
    /// </summary>
    private static async Task<(T? Value, IResult? Refusal)> ReadJsonAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string form, CancellationToken cancellationToken)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, detail: $"send {form} as application/json."));
        }

        try
        {
            if (await JsonSerializer.DeserializeAsync(context.Request.Body, type, cancellationToken) is { } value)
            {
                return (value, null);
            }
        }
        catch (JsonException)
        {
        }

        return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"the body is not JSON of the form {form}."));
    }

    private static StudySummary Summary(StudyRecord study) =>
        new(study.StudyId, study.Status.ToString(), study.Stage?.ToString(), study.CreatedAt, study.UpdatedAt);
}
