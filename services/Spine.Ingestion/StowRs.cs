using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Platform.Hosting;

namespace Spine.Ingestion;

/// <summary>
/// DICOMweb STOW-RS (PS3.18 section 10.5): <c>POST /dicomweb/studies</c> and <c>/dicomweb/studies/{uid}</c> with a
/// multipart/related; type="application/dicom" body, one Part 10 instance per part. Each part is read, checked and
/// stored on its own (one instance in memory at a time); a part that is not DICOM, does not parse or belongs to
/// another study than the URL names is listed in the Failed SOP Sequence with its reason and the others are stored.
/// The answer is the standard's: 200 all stored, 202 some failed, 409 none stored, 415 not multipart/related DICOM,
/// 413 a part or the request over its limit, 400 a body that cannot be read (truncated, no closing boundary). Instances
/// join their open study (<see cref="OpenStudies"/>), so a study sent in several requests within the quiet period is one study.
/// </summary>
public static partial class StowRs
{
    /// <summary>Failure reason for an instance of another study than the request's URL names (as dcm4chee and others answer).</summary>
    public const ushort StudyInstanceUidMismatch = 0xC409;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/dicomweb/studies", (HttpContext context, OpenStudies studies, IOptions<IngestionOptions> options, ILoggerFactory logs) => StoreAsync(context, null, studies, options.Value, logs))
            .WithStoreResponses();
        endpoints.MapPost("/dicomweb/studies/{studyInstanceUid}", (HttpContext context, string studyInstanceUid, OpenStudies studies, IOptions<IngestionOptions> options, ILoggerFactory logs) => StoreAsync(context, studyInstanceUid, studies, options.Value, logs))
            .WithStoreResponses();
    }

    /// <summary>What a STOW-RS request sends and gets (PS3.18 10.5): every instance stored (200), some (202) or none (409), with the store's response; a body it refuses.</summary>
    private static RouteHandlerBuilder WithStoreResponses(this RouteHandlerBuilder endpoint) => endpoint
        .DocumentsBody<Stream>("multipart/related; type=\"application/dicom\"")
        .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status200OK, "application/dicom+json")
        .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status202Accepted, "application/dicom+json")
        .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status409Conflict, "application/dicom+json")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> StoreAsync(HttpContext context, string? routeStudy, OpenStudies studies, IngestionOptions options, ILoggerFactory logs)
    {
        var logger = logs.CreateLogger(typeof(StowRs));
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/related", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(HeaderUtilities.RemoveQuotes(mediaType.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase))?.Value ?? default).Value, "application/dicom", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: "STOW-RS takes multipart/related; type=\"application/dicom\" with a boundary (PS3.18 10.5).");
        }

        // A whole study in one request is normal: the request may be as long as the setting allows (Kestrel's 30 MB default
        // would make senders split studies); each part is bounded on its own.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxStowRequestBytes;
        }

        var sender = Guid.NewGuid();
        var outcome = new StowOutcome();
        try
        {
            await ReadPartsAsync(context, boundary, routeStudy, studies, options.MaxStowPartBytes, sender, outcome, logger);
        }
        catch (StowPartTooLargeException ex)
        {
            LogBodyRefused(logger, outcome.Parts, ex.Message);
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, detail: $"part {outcome.Parts}: {ex.Message} {Kept(outcome)}");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or BadHttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            // A truncated body, a missing closing boundary, a body over the request limit: answered with the reason; the
            // instances read before it stay in their open study, as if sent in a request of their own.
            var refusal = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            LogBodyRefused(logger, outcome.Parts, ex.GetType().Name);
            return Results.Problem(statusCode: refusal, detail: $"the multipart body cannot be read past part {outcome.Parts} ({ex.Message}). {Kept(outcome)}");
        }
        finally
        {
            studies.SenderEnded(sender);
            Instances.Add(outcome.Stored.Count, new KeyValuePair<string, object?>("spine.outcome", "stored"));
            Instances.Add(outcome.Failed.Count, new KeyValuePair<string, object?>("spine.outcome", "failed"));
        }

        var status = outcome.Failed.Count == 0 ? StatusCodes.Status200OK : outcome.Stored.Count == 0 ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;
        return Results.Text(Response(outcome.Stored, outcome.Failed).ToJsonString(), "application/dicom+json", statusCode: status);
    }

    private static async Task ReadPartsAsync(HttpContext context, string boundary, string? routeStudy, OpenStudies studies, long maxPart, Guid sender, StowOutcome outcome, ILogger logger)
    {
        var cancellationToken = context.RequestAborted;
        var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = null };
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            outcome.Parts++;
            if (!string.Equals(section.ContentType?.Split(';')[0].Trim(), "application/dicom", StringComparison.OrdinalIgnoreCase))
            {
                LogPartRefused(logger, outcome.Parts, $"content type '{section.ContentType}' is not application/dicom");
                outcome.Failed.Add((null, null, DimseStatus.CannotUnderstand));
                continue;
            }

            // One copy of the part in memory, no more: it is parsed and stored from the same buffer.
            using var buffer = new MemoryStream();
            await CopyBoundedAsync(section.Body, buffer, maxPart, cancellationToken);
            var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            await StorePartAsync(bytes, routeStudy, studies, sender, outcome, logger, cancellationToken);
        }
    }

    private static async Task StorePartAsync(ReadOnlyMemory<byte> bytes, string? routeStudy, OpenStudies studies, Guid sender, StowOutcome outcome, ILogger logger, CancellationToken cancellationToken)
    {
        var part = outcome.Parts;
        DicomFile file;
        try
        {
            file = DicomFile.Read(bytes, $"part {part}", new DicomReadOptions { StopBeforePixelData = true });
        }
        catch (DicomFormatException ex)
        {
            LogPartRefused(logger, part, ex.Message);
            outcome.Failed.Add((null, null, DimseStatus.CannotUnderstand));
            return;
        }

        var sopClass = file.Dataset.GetString(DicomTags.SopClassUid) ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSopClassUid);
        var sopInstance = file.Dataset.GetString(DicomTags.SopInstanceUid);
        var studyUid = file.Dataset.GetString(DicomTags.StudyInstanceUid);
        if (sopClass is null || sopInstance is null || studyUid is null || file.Dataset.GetString(DicomTags.SeriesInstanceUid) is null)
        {
            LogPartRefused(logger, part, "Study, Series or SOP Instance UID missing");
            outcome.Failed.Add((sopClass, sopInstance, DimseStatus.DataSetDoesNotMatchSopClass));
            return;
        }

        if (routeStudy is not null && studyUid != routeStudy)
        {
            LogPartRefused(logger, part, "the instance belongs to another study than the URL names");
            outcome.Failed.Add((sopClass, sopInstance, StudyInstanceUidMismatch));
            return;
        }

        try
        {
            await studies.AddAsync(sender, "stow-rs", studyUid, sopInstance, file, bytes, cancellationToken);
            outcome.Stored.Add((sopClass, sopInstance));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage or ledger out of reach: this instance is listed as failed (processing failure) for the client to resend.
            LogPartRefused(logger, part, $"it could not be stored ({ex.GetType().Name})");
            outcome.Failed.Add((sopClass, sopInstance, DimseStatus.OutOfResources));
        }
    }

    private static async Task CopyBoundedAsync(Stream source, MemoryStream target, long limit, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (target.Length + read > limit)
            {
                throw new StowPartTooLargeException($"a part longer than {limit} bytes ({IngestionOptions.Section}:MaxStowPartBytes) is refused.");
            }

            target.Write(chunk, 0, read);
        }
    }

    private static readonly Counter<long> Instances = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.stowrs.instances", "{instance}", "STOW-RS parts by outcome: stored (durable, in its study) or failed (listed in the Failed SOP Sequence).");

    private static string Kept(StowOutcome outcome) =>
        outcome.Stored.Count == 0 ? "Nothing was stored." : $"{outcome.Stored.Count} instances read before it were stored and join their study; send the rest again.";

    private sealed class StowOutcome
    {
        public int Parts { get; set; }
        public List<(string SopClass, string SopInstance)> Stored { get; } = [];
        public List<(string? SopClass, string? SopInstance, ushort Reason)> Failed { get; } = [];
    }

    private sealed class StowPartTooLargeException(string message) : Exception(message);

    /// <summary>The store instances response module as DICOM JSON: Referenced SOP Sequence (0008,1199) and Failed SOP Sequence (0008,1198).</summary>
    private static JsonObject Response(List<(string SopClass, string SopInstance)> stored, List<(string? SopClass, string? SopInstance, ushort Reason)> failed)
    {
        static JsonObject Item(string? sopClass, string? sopInstance)
        {
            var item = new JsonObject();
            if (sopClass is not null)
            {
                item["00081150"] = new JsonObject { ["vr"] = "UI", ["Value"] = new JsonArray(sopClass) };
            }

            if (sopInstance is not null)
            {
                item["00081155"] = new JsonObject { ["vr"] = "UI", ["Value"] = new JsonArray(sopInstance) };
            }

            return item;
        }

        var response = new JsonObject();
        if (failed.Count > 0)
        {
            response["00081198"] = new JsonObject
            {
                ["vr"] = "SQ",
                ["Value"] = new JsonArray([.. failed.Select(f =>
                {
                    var item = Item(f.SopClass, f.SopInstance);
                    item["00081197"] = new JsonObject { ["vr"] = "US", ["Value"] = new JsonArray((int)f.Reason) };
                    return (JsonNode)item;
                })]),
            };
        }

        if (stored.Count > 0)
        {
            response["00081199"] = new JsonObject { ["vr"] = "SQ", ["Value"] = new JsonArray([.. stored.Select(s => (JsonNode)Item(s.SopClass, s.SopInstance))]) };
        }

        return response;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "STOW-RS request refused at part {Part}: {Reason}")]
    private static partial void LogBodyRefused(ILogger logger, int part, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "STOW-RS part {Part} not stored: {Reason}")]
    private static partial void LogPartRefused(ILogger logger, int part, string reason);
}
