using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Spine.Dicom;
using Spine.Imaging;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>
/// DICOMweb query and retrieval over a reported phantom study: QIDO-RS answers in the standard's JSON, WADO-RS in its
/// multipart forms, and Orthanc's DICOMweb client (Debian's orthanc-dicomweb) retrieves the study from the platform.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(ReportedPhantomStudyCollection.Name)]
public sealed class DicomWebApiTests(ReportedPhantomStudy study)
{
    private DicomDataset Source => DicomFile.Read(File.ReadAllBytes(SourceFiles.First()), options: new DicomReadOptions { StopBeforePixelData = true }).Dataset;

    private IEnumerable<string> SourceFiles => Directory.EnumerateFiles(Path.Combine(study.Platform.Root, "in", "dicom"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    private async Task<JsonArray> QidoAsync(string path)
    {
        using var response = await study.Platform.Http!.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType!.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    private static string? Value(JsonNode? item, string tag) => item?[tag]?["Value"]?[0] switch
    {
        JsonObject name => name["Alphabetic"]?.GetValue<string>(),
        JsonValue value => value.ToString(),
        _ => null,
    };

    [Fact]
    public async Task Qido_finds_the_study_by_patient_id_name_wildcard_and_date_range_with_its_counts_and_modalities()
    {
        var source = Source;
        var (patientId, name, date) = (source.GetString(DicomTags.PatientId)!, source.GetString(DicomTags.PatientName)!, source.GetString(DicomTags.StudyDate)!);
        var sourceCount = SourceFiles.Count();

        var byId = Assert.Single(await QidoAsync($"/dicomweb/studies?PatientID={Uri.EscapeDataString(patientId)}"));
        var byName = await QidoAsync($"/dicomweb/studies?00100010={Uri.EscapeDataString(name[..3].ToLowerInvariant())}*&StudyDate={date}-");
        var none = await QidoAsync($"/dicomweb/studies?PatientID=nobody&StudyDate=-19000101");

        Assert.Equal(study.Phantom.Truth.StudyInstanceUid, Value(byId, "0020000D"));
        Assert.Equal(name, Value(byId, "00100010"));
        Assert.Equal("PN", byId!["00100010"]!["vr"]!.GetValue<string>());
        Assert.Contains(byName, s => Value(s, "0020000D") == study.Phantom.Truth.StudyInstanceUid);
        Assert.Empty(none);
        var modalities = byId["00080061"]!["Value"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Superset(new HashSet<string> { "MR", "SR", "SEG", "DOC", "OT" }, modalities.ToHashSet());
        var captures = study.Report.Levels.Sum(l => l.Findings.Count);
        Assert.Equal(sourceCount + 3 + captures, int.Parse(Value(byId, "00201208")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith($"/dicomweb/studies/{study.Phantom.Truth.StudyInstanceUid}", Value(byId, "00081190"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qido_lists_series_with_the_results_in_their_own_series_and_instances_of_one_series()
    {
        var uid = study.Phantom.Truth.StudyInstanceUid;

        var series = await QidoAsync($"/dicomweb/studies/{uid}/series");
        var segmentation = Assert.Single(series, s => Value(s, "00080060") == "SEG");
        var analysed = Assert.Single(await QidoAsync($"/dicomweb/studies/{uid}/series?SeriesInstanceUID={study.Report.SeriesInstanceUid}"));
        var instances = await QidoAsync($"/dicomweb/studies/{uid}/series/{study.Report.SeriesInstanceUid}/instances");
        var paged = await QidoAsync($"/dicomweb/studies/{uid}/series/{study.Report.SeriesInstanceUid}/instances?limit=2&offset=1");

        Assert.Equal("9904", Value(segmentation, "00200011"));
        Assert.Equal(instances.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(analysed, "00201209"));
        Assert.All(instances, i => Assert.Equal(study.Report.SeriesInstanceUid, Value(i, "0020000E")));
        Assert.Equal(2, paged.Count);
        Assert.Equal(Value(instances[1], "00080018"), Value(paged[0], "00080018"));
    }

    [Fact]
    public async Task Wado_returns_an_instance_as_stored_its_metadata_its_frame_and_a_rendering()
    {
        var file = SourceFiles.First();
        var source = DicomFile.Read(File.ReadAllBytes(file)).Dataset;
        var instanceUrl = $"/dicomweb/studies/{source.GetString(DicomTags.StudyInstanceUid)}/series/{source.GetString(DicomTags.SeriesInstanceUid)}/instances/{source.GetString(DicomTags.SopInstanceUid)}";
        var (rows, columns) = (source.GetInt32(DicomTags.Rows)!.Value, source.GetInt32(DicomTags.Columns)!.Value);

        var instance = Assert.Single(await PartsAsync(instanceUrl, "application/dicom"));
        var metadata = Assert.Single(await QidoAsync(instanceUrl + "/metadata"));
        var frame = Assert.Single(await PartsAsync(instanceUrl + "/frames/1", "application/octet-stream"));
        using var rendered = await study.Platform.Http!.GetAsync(new Uri(instanceUrl + "/rendered", UriKind.Relative));
        var (width, height, _) = Png.DecodeRgb(await rendered.Content.ReadAsByteArrayAsync());
        using var outOfRange = await study.Platform.Http!.GetAsync(new Uri(instanceUrl + "/frames/2", UriKind.Relative));

        Assert.Equal(await File.ReadAllBytesAsync(file), instance);
        Assert.Equal(source.GetString(DicomTags.PatientId), Value(metadata, "00100020"));
        Assert.EndsWith(instanceUrl + "/frames/1", metadata!["7FE00010"]!["BulkDataURI"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(rows * columns * 2, frame.Length);
        Assert.Equal((columns, rows), (width, height));
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
    }

    [Fact]
    public async Task Dicomweb_refuses_the_anonymous_caller()
    {
        using var response = await study.Platform.Anonymous!.GetAsync(new Uri("/dicomweb/studies", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Orthancs_dicomweb_client_retrieves_the_study_from_the_platform()
    {
        var settings = new Dictionary<string, JsonNode?>(OrthancPeer.DicomWeb)
        {
            ["DicomWeb"] = new JsonObject
            {
                ["Enable"] = true,
                ["Root"] = "/dicom-web/",
                ["Servers"] = new JsonObject
                {
                    ["spine"] = new JsonObject
                    {
                        ["Url"] = new Uri(study.Platform.Http!.BaseAddress!, "/dicomweb/").ToString(),
                        ["HttpHeaders"] = new JsonObject { ["X-Api-Key"] = EmbeddedPlatform.ApiKey },
                    },
                },
            },
        };
        await using var orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>(), settings: settings);
        var uid = study.Phantom.Truth.StudyInstanceUid;

        using var request = new StringContent(new JsonObject { ["Resources"] = new JsonArray(new JsonObject { ["Study"] = uid }) }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var retrieve = await orthanc.Http.PostAsync(new Uri("/dicom-web/servers/spine/retrieve", UriKind.Relative), request);

        Assert.True(retrieve.IsSuccessStatusCode, await retrieve.Content.ReadAsStringAsync());
        var held = await orthanc.SopInstanceUidsAsync();
        var expected = (await QidoAsync($"/dicomweb/studies/{uid}/instances?limit=1000")).Select(i => Value(i, "00080018")!).ToHashSet();
        Assert.Equal(expected, held.ToHashSet());
    }

    private async Task<List<byte[]>> PartsAsync(string path, string type)
    {
        using var response = await study.Platform.Http!.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/related", contentType.MediaType);
        Assert.Equal($"\"{type}\"", contentType.Parameters.Single(p => p.Name == "type").Value);
        var reader = new MultipartReader(contentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"'), await response.Content.ReadAsStreamAsync());
        var parts = new List<byte[]>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            Assert.StartsWith(type, section.ContentType, StringComparison.Ordinal);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            parts.Add(buffer.ToArray());
        }

        return parts;
    }
}
