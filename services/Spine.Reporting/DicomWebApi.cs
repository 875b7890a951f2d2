using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spine.Dicom;
using Spine.Imaging;
using Spine.Pipeline;
using Spine.Platform.Archive;
using Spine.Platform.Security;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>
/// DICOMweb query and retrieval (PS3.18) over what the platform holds, the received instances and the result objects,
/// behind the `read` role: QIDO-RS at /dicomweb/studies, /dicomweb/studies/{study}/series, .../series/{series}/instances
/// and /dicomweb/studies/{study}/instances (the matching keys of <see cref="DicomArchiveKeys"/>, limit, offset); WADO-RS
/// of studies, series and instances (multipart/related; type="application/dicom", as stored), their metadata (DICOM
/// JSON, pixel data as a BulkDataURI to the frames), frames (multipart/related; type="application/octet-stream",
/// uncompressed little endian) and rendered instances and frames (image/png). STOW-RS at the same root is ingestion's.
/// </summary>
public static class DicomWebApi
{
    public const string Root = "/dicomweb";

    private const string DicomJson = "application/dicom+json";

    public static void Map(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var web = routes.MapGroup(Root).RequireAuthorization(SpineRoles.Read);

        // QIDO-RS
        web.MapGet("/studies", (HttpContext context, IDicomArchive archive, CancellationToken token) => QueryAsync(context, archive, QueryLevel.Study, null, null, token))
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, DicomJson);
        web.MapGet("/studies/{study}/series", (HttpContext context, string study, IDicomArchive archive, CancellationToken token) => QueryAsync(context, archive, QueryLevel.Series, study, null, token))
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, DicomJson);
        web.MapGet("/studies/{study}/instances", (HttpContext context, string study, IDicomArchive archive, CancellationToken token) => QueryAsync(context, archive, QueryLevel.Instance, study, null, token))
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, DicomJson);
        web.MapGet("/studies/{study}/series/{series}/instances", (HttpContext context, string study, string series, IDicomArchive archive, CancellationToken token) => QueryAsync(context, archive, QueryLevel.Instance, study, series, token))
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, DicomJson);

        // WADO-RS
        web.MapGet("/studies/{study}", (HttpContext context, string study, IDicomArchive archive, IObjectStore store, CancellationToken token) => RetrieveAsync(context, archive, store, study, null, null, token))
            .Produces<Stream>(StatusCodes.Status200OK, "multipart/related; type=\"application/dicom\"").Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/series/{series}", (HttpContext context, string study, string series, IDicomArchive archive, IObjectStore store, CancellationToken token) => RetrieveAsync(context, archive, store, study, series, null, token))
            .Produces<Stream>(StatusCodes.Status200OK, "multipart/related; type=\"application/dicom\"").Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/series/{series}/instances/{instance}", (HttpContext context, string study, string series, string instance, IDicomArchive archive, IObjectStore store, CancellationToken token) => RetrieveAsync(context, archive, store, study, series, instance, token))
            .Produces<Stream>(StatusCodes.Status200OK, "multipart/related; type=\"application/dicom\"").Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/metadata", (HttpContext context, string study, IDicomArchive archive, IObjectStore store, CancellationToken token) => MetadataAsync(context, archive, store, study, null, null, token))
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, DicomJson).Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/series/{series}/metadata", (HttpContext context, string study, string series, IDicomArchive archive, IObjectStore store, CancellationToken token) => MetadataAsync(context, archive, store, study, series, null, token))
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, DicomJson).Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/series/{series}/instances/{instance}/metadata", (HttpContext context, string study, string series, string instance, IDicomArchive archive, IObjectStore store, CancellationToken token) => MetadataAsync(context, archive, store, study, series, instance, token))
            .Produces<System.Text.Json.Nodes.JsonArray>(StatusCodes.Status200OK, DicomJson).Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", (HttpContext context, string study, string series, string instance, string frames, IDicomArchive archive, IObjectStore store, CancellationToken token) => FramesAsync(context, archive, store, study, series, instance, frames, token))
            .Produces<Stream>(StatusCodes.Status200OK, "multipart/related; type=\"application/octet-stream\"").Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/series/{series}/instances/{instance}/rendered", (string study, string series, string instance, IDicomArchive archive, IObjectStore store, CancellationToken token) => RenderedAsync(archive, store, study, series, instance, 1, token))
            .Produces<Stream>(StatusCodes.Status200OK, "image/png").Produces(StatusCodes.Status404NotFound);
        web.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frame:int}/rendered", (string study, string series, string instance, int frame, IDicomArchive archive, IObjectStore store, CancellationToken token) => RenderedAsync(archive, store, study, series, instance, frame, token))
            .Produces<Stream>(StatusCodes.Status200OK, "image/png").Produces(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> QueryAsync(HttpContext context, IDicomArchive archive, QueryLevel level, string? study, string? series, CancellationToken token)
    {
        var match = new Dictionary<string, string>(StringComparer.Ordinal);
        int offset = 0, limit = 100;
        foreach (var (name, values) in context.Request.Query)
        {
            var value = values.ToString();
            if (name.Equals("offset", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                {
                    return Results.BadRequest($"offset '{value}' is not a whole number.");
                }
            }
            else if (name.Equals("limit", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
                {
                    return Results.BadRequest($"limit '{value}' is not a positive whole number.");
                }
            }
            else if (DicomArchiveKeys.KeywordOf(name) is { } keyword && value.Length > 0)
            {
                match[keyword] = value;
            }
        }

        var found = await archive.QueryAsync(new ArchiveQuery { Level = level, StudyInstanceUid = study, SeriesInstanceUid = series, Match = match, Offset = offset, Limit = limit }, token);
        var baseUrl = BaseUrl(context);
        return Json(found.Select(group => level switch
        {
            QueryLevel.Study => StudyAttributes(group, baseUrl),
            QueryLevel.Series => SeriesAttributes(group, baseUrl),
            _ => InstanceAttributes(group[0], baseUrl),
        }));
    }

    private static async Task<IResult> RetrieveAsync(HttpContext context, IDicomArchive archive, IObjectStore store, string study, string? series, string? instance, CancellationToken token)
    {
        var found = await archive.FindAsync(study, series, instance, token);
        if (found.Count == 0)
        {
            return Results.NotFound();
        }

        var boundary = "spine-" + Guid.NewGuid().ToString("N");
        context.Response.ContentType = $"multipart/related; type=\"application/dicom\"; boundary={boundary}";
        var body = context.Response.Body;
        foreach (var item in found)
        {
            await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom\r\nContent-Length: {item.Length}\r\n\r\n"), token);
            await using (var part = await store.OpenReadAsync(ArchiveEntries.ObjectOf(item), token))
            {
                await part.CopyToAsync(body, token);
            }

            await body.WriteAsync("\r\n"u8.ToArray(), token);
        }

        await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), token);
        return Results.Empty;
    }

    private static async Task<IResult> MetadataAsync(HttpContext context, IDicomArchive archive, IObjectStore store, string study, string? series, string? instance, CancellationToken token)
    {
        var found = await archive.FindAsync(study, series, instance, token);
        if (found.Count == 0)
        {
            return Results.NotFound();
        }

        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in found)
            {
                // Large binary values are not inlined: the pixel data points to the instance's frames, anything else to the instance.
                var dataset = DicomFile.Read(await store.ReadAllBytesAsync(ArchiveEntries.ObjectOf(item), token), item.ObjectKey).Dataset;
                var instanceUrl = $"{BaseUrl(context)}/studies/{item.StudyInstanceUid}/series/{item.SeriesInstanceUid}/instances/{item.SopInstanceUid}";
                DicomJsonWriter.Write(writer, dataset, bulkDataUri: element => element.Tag == DicomTags.PixelData ? $"{instanceUrl}/frames/1" : instanceUrl);
            }

            writer.WriteEndArray();
        }

        return Results.Bytes(buffer.ToArray(), DicomJson);
    }

    private static async Task<IResult> FramesAsync(HttpContext context, IDicomArchive archive, IObjectStore store, string study, string series, string instance, string frameList, CancellationToken token)
    {
        if (await PixelsAsync(archive, store, study, series, instance, token) is not { } pixels)
        {
            return Results.NotFound();
        }

        var numbers = new List<int>();
        foreach (var part in frameList.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > pixels.FrameCount)
            {
                return Results.BadRequest($"frame '{part}': the instance has frames 1 to {pixels.FrameCount}.");
            }

            numbers.Add(number);
        }

        var boundary = "spine-" + Guid.NewGuid().ToString("N");
        context.Response.ContentType = $"multipart/related; type=\"application/octet-stream\"; boundary={boundary}";
        foreach (var number in numbers)
        {
            var frame = pixels.DecodeFrame(number - 1);
            await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\nContent-Length: {frame.Length}\r\n\r\n"), token);
            await context.Response.Body.WriteAsync(frame, token);
            await context.Response.Body.WriteAsync("\r\n"u8.ToArray(), token);
        }

        await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), token);
        return Results.Empty;
    }

    /// <summary>A frame as PNG: greyscale frames windowed to their 1st to 99th percentiles, 8-bit RGB ones as they are.</summary>
    private static async Task<IResult> RenderedAsync(IDicomArchive archive, IObjectStore store, string study, string series, string instance, int frame, CancellationToken token)
    {
        if (await PixelsAsync(archive, store, study, series, instance, token) is not { } pixels)
        {
            return Results.NotFound();
        }

        if (frame < 1 || frame > pixels.FrameCount)
        {
            return Results.BadRequest($"frame {frame}: the instance has frames 1 to {pixels.FrameCount}.");
        }

        var info = pixels.Frame;
        if (info.SamplesPerPixel == 3 && info.BitsAllocated == 8 && info.PlanarConfiguration == 0)
        {
            return Results.Bytes(Png.Encode(info.Columns, info.Rows, pixels.DecodeFrame(frame - 1)), "image/png");
        }

        if (info.SamplesPerPixel != 1 || info.BitsAllocated < 8)
        {
            return Results.BadRequest($"{info.SamplesPerPixel} samples of {info.BitsAllocated} bits: only greyscale images of 8 bits or more and 8-bit RGB are rendered.");
        }

        var values = pixels.GetModalityValues(frame - 1);
        var volume = new Volume<float>(info.Columns, info.Rows, 1, new VolumeGeometry(default, new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), new Vector3D(0, 0, 1), 1, 1, 1), values);
        var png = new SliceRenderer().RenderPng(volume, 0);
        return Results.Bytes(png, "image/png");
    }

    private static async Task<DicomPixelData?> PixelsAsync(IDicomArchive archive, IObjectStore store, string study, string series, string instance, CancellationToken token)
    {
        if ((await archive.FindAsync(study, series, instance, token)) is not [var item] || item.Rows is null)
        {
            return null;
        }

        return DicomPixelData.From(DicomFile.Read(await store.ReadAllBytesAsync(ArchiveEntries.ObjectOf(item), token), item.ObjectKey));
    }

    private static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{Root}";

    private static IResult Json(IEnumerable<DicomDataset> datasets)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var dataset in datasets)
            {
                DicomJsonWriter.Write(writer, dataset);
            }

            writer.WriteEndArray();
        }

        return Results.Bytes(buffer.ToArray(), DicomJson);
    }

    private static DicomDataset StudyAttributes(IReadOnlyList<ArchivedInstance> study, string baseUrl)
    {
        var first = study[0];
        return new DicomDataset()
            .SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192")
            .SetString(DicomTags.StudyDate, DicomVR.DA, first.StudyDate)
            .SetString(DicomTags.StudyTime, DicomVR.TM, first.StudyTime)
            .SetString(DicomTags.AccessionNumber, DicomVR.SH, first.AccessionNumber)
            .SetStrings(ModalitiesInStudy, DicomVR.CS, study.Select(i => i.Modality).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            .SetString(DicomTags.ReferringPhysicianName, DicomVR.PN, first.ReferringPhysicianName)
            .SetString(DicomTags.StudyDescription, DicomVR.LO, first.StudyDescription)
            .SetString(DicomTags.PatientName, DicomVR.PN, first.PatientName)
            .SetString(DicomTags.PatientId, DicomVR.LO, first.PatientId)
            .SetString(DicomTags.PatientBirthDate, DicomVR.DA, first.PatientBirthDate)
            .SetString(DicomTags.PatientSex, DicomVR.CS, first.PatientSex)
            .SetString(DicomTags.StudyInstanceUid, DicomVR.UI, first.StudyInstanceUid)
            .SetString(DicomTags.StudyId, DicomVR.SH, first.StudyIdentifier)
            .SetNumbers(NumberOfStudyRelatedSeries, DicomVR.IS, study.Select(i => i.SeriesInstanceUid).Distinct(StringComparer.Ordinal).Count())
            .SetNumbers(NumberOfStudyRelatedInstances, DicomVR.IS, study.Count)
            .SetString(RetrieveUrl, DicomVR.UR, $"{baseUrl}/studies/{first.StudyInstanceUid}");
    }

    private static DicomDataset SeriesAttributes(IReadOnlyList<ArchivedInstance> series, string baseUrl)
    {
        var first = series[0];
        var dataset = new DicomDataset()
            .SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192")
            .SetString(DicomTags.Modality, DicomVR.CS, first.Modality)
            .SetString(DicomTags.SeriesDescription, DicomVR.LO, first.SeriesDescription)
            .SetString(DicomTags.StudyInstanceUid, DicomVR.UI, first.StudyInstanceUid)
            .SetString(DicomTags.SeriesInstanceUid, DicomVR.UI, first.SeriesInstanceUid)
            .SetNumbers(NumberOfSeriesRelatedInstances, DicomVR.IS, series.Count)
            .SetString(RetrieveUrl, DicomVR.UR, $"{baseUrl}/studies/{first.StudyInstanceUid}/series/{first.SeriesInstanceUid}");
        if (first.SeriesNumber is { } number)
        {
            dataset.SetNumbers(DicomTags.SeriesNumber, DicomVR.IS, number);
        }

        return dataset;
    }

    private static DicomDataset InstanceAttributes(ArchivedInstance instance, string baseUrl)
    {
        var dataset = new DicomDataset()
            .SetString(DicomTags.SopClassUid, DicomVR.UI, instance.SopClassUid)
            .SetString(DicomTags.SopInstanceUid, DicomVR.UI, instance.SopInstanceUid)
            .SetString(DicomTags.Modality, DicomVR.CS, instance.Modality)
            .SetString(DicomTags.StudyInstanceUid, DicomVR.UI, instance.StudyInstanceUid)
            .SetString(DicomTags.SeriesInstanceUid, DicomVR.UI, instance.SeriesInstanceUid)
            .SetString(RetrieveUrl, DicomVR.UR, $"{baseUrl}/studies/{instance.StudyInstanceUid}/series/{instance.SeriesInstanceUid}/instances/{instance.SopInstanceUid}");
        foreach (var (tag, value) in new[] { (DicomTags.InstanceNumber, instance.InstanceNumber), (DicomTags.Rows, instance.Rows), (DicomTags.Columns, instance.Columns), (DicomTags.NumberOfFrames, instance.NumberOfFrames) })
        {
            if (value is { } number)
            {
                dataset.SetNumbers(tag, tag == DicomTags.Rows || tag == DicomTags.Columns ? DicomVR.US : DicomVR.IS, number);
            }
        }

        return dataset;
    }

    private static readonly DicomTag ModalitiesInStudy = new(0x0008, 0x0061);
    private static readonly DicomTag RetrieveUrl = new(0x0008, 0x1190);
    private static readonly DicomTag NumberOfStudyRelatedSeries = new(0x0020, 0x1206);
    private static readonly DicomTag NumberOfStudyRelatedInstances = new(0x0020, 0x1208);
    private static readonly DicomTag NumberOfSeriesRelatedInstances = new(0x0020, 0x1209);
}
