using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;

namespace Spine.Ingestion;

/// <summary>
/// DICOMweb STOW-RS (PS3.18 section 10.5): <c>POST /dicomweb/studies</c> and <c>/dicomweb/studies/{uid}</c> with a
/// multipart/related; type="application/dicom" body, one Part 10 instance per part. Each part is read, checked and
/// stored on its own (one instance in memory at a time); a part that is not DICOM, does not parse or belongs to
/// another study than the URL names is listed in the Failed SOP Sequence with its reason and the others are stored.
/// The answer is the standard's: 200 all stored, 202 some failed, 409 none stored, 415 not multipart/related DICOM.
/// Each study of the request then goes down the pipeline.
/// </summary>
public static partial class StowRs
{
    /// <summary>Failure reason for an instance of another study than the request's URL names (as dcm4chee and others answer).</summary>
    public const ushort StudyInstanceUidMismatch = 0xC409;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/dicomweb/studies", (HttpContext context, StudyIntake intake, ILoggerFactory logs) => StoreAsync(context, null, intake, logs));
        endpoints.MapPost("/dicomweb/studies/{studyInstanceUid}", (HttpContext context, string studyInstanceUid, StudyIntake intake, ILoggerFactory logs) => StoreAsync(context, studyInstanceUid, intake, logs));
    }

    private static async Task<IResult> StoreAsync(HttpContext context, string? routeStudy, StudyIntake intake, ILoggerFactory logs)
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

        var cancellationToken = context.RequestAborted;
        var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = null };
        var stored = new List<(string SopClass, string SopInstance)>();
        var failed = new List<(string? SopClass, string? SopInstance, ushort Reason)>();
        var studies = new Dictionary<string, (Guid StudyId, List<StoredInstance> Instances)>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var part = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            part++;
            if (!string.Equals(section.ContentType?.Split(';')[0].Trim(), "application/dicom", StringComparison.OrdinalIgnoreCase))
            {
                LogPartRefused(logger, part, $"content type '{section.ContentType}' is not application/dicom");
                failed.Add((null, null, DimseStatus.CannotUnderstand));
                continue;
            }

            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.ToArray();
            DicomFile file;
            try
            {
                file = DicomFile.Read(bytes, $"part {part}", new DicomReadOptions { StopBeforePixelData = true });
            }
            catch (DicomFormatException ex)
            {
                LogPartRefused(logger, part, ex.Message);
                failed.Add((null, null, DimseStatus.CannotUnderstand));
                continue;
            }

            var sopClass = file.Dataset.GetString(DicomTags.SopClassUid) ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSopClassUid);
            var sopInstance = file.Dataset.GetString(DicomTags.SopInstanceUid);
            var studyUid = file.Dataset.GetString(DicomTags.StudyInstanceUid);
            if (sopClass is null || sopInstance is null || studyUid is null || file.Dataset.GetString(DicomTags.SeriesInstanceUid) is null)
            {
                LogPartRefused(logger, part, "Study, Series or SOP Instance UID missing");
                failed.Add((sopClass, sopInstance, DimseStatus.DataSetDoesNotMatchSopClass));
                continue;
            }

            if (routeStudy is not null && studyUid != routeStudy)
            {
                LogPartRefused(logger, part, "the instance belongs to another study than the URL names");
                failed.Add((sopClass, sopInstance, StudyInstanceUidMismatch));
                continue;
            }

            if (!studies.TryGetValue(studyUid, out var study))
            {
                study = (intake.NewStudyId(), []);
                studies[studyUid] = study;
            }

            if (seen.Add(sopInstance))
            {
                study.Instances.Add(await intake.StoreInstanceAsync(study.StudyId, file, bytes, cancellationToken));
            }

            stored.Add((sopClass, sopInstance));
        }

        foreach (var (studyUid, (studyId, instances)) in studies)
        {
            await intake.CompleteAsync(studyId, studyUid, instances, [], "stow-rs", cancellationToken);
        }

        var status = failed.Count == 0 ? StatusCodes.Status200OK : stored.Count == 0 ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;
        return Results.Text(Response(stored, failed).ToJsonString(), "application/dicom+json", statusCode: status);
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "STOW-RS part {Part} not stored: {Reason}")]
    private static partial void LogPartRefused(ILogger logger, int part, string reason);
}
