using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>DICOMweb STOW-RS on the ingestion service, with the analysis services in the same process, behind an API key.</summary>
public sealed class StowRsTests : IDisposable
{
    private const string ApiKey = "stow-test-key-0123456789abcdef";
    private readonly string _root = Directory.CreateTempSubdirectory("spine-stow-").FullName;

    [Fact]
    public async Task A_multipart_upload_is_stored_and_analysed_and_its_non_dicom_parts_are_reported_failed()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 939393, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_root, "study"));
        var files = Directory.GetFiles(Path.Combine(_root, "study", "dicom"), "*.dcm", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();

        var port = SpineProcess.FreeTcpPort();
        await using var spine = SpineProcess.Start(
            ["serve", "--services", "ingestion,preprocessing,segmentation,classification,explanation,reporting", "--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string>
            {
                ["Spine__Storage__FileSystem__Root"] = Path.Combine(_root, "objects"),
                ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(_root, "ledger.db")}",
                ["Spine__Models__Root"] = Path.Combine(RepositoryLayout.Root, "models"),
                ["Spine__Ingestion__ApiKeys__0"] = ApiKey,
            });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        await HealthEndpoint.WaitForAnswerAsync(http, "/health/ready", spine, TimeSpan.FromSeconds(90), HttpStatusCode.OK);

        using (var anonymous = await http.PostAsync(new Uri("/dicomweb/studies", UriKind.Relative), Multipart(files.Take(1))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var wrongType = new HttpRequestMessage(HttpMethod.Post, "/dicomweb/studies") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") })
        {
            wrongType.Headers.Add("X-Api-Key", ApiKey);
            using var answer = await http.SendAsync(wrongType);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode);
        }

        var (status, body) = await StowAsync(http, "/dicomweb/studies", Multipart(files, extra: [("text/plain", "technologist's note"u8.ToArray()), ("application/dicom", new byte[400])]));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(files.Count, body["00081199"]!["Value"]!.AsArray().Count);
        var failures = body["00081198"]!["Value"]!.AsArray();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(0xC000, f!["00081197"]!["Value"]![0]!.GetValue<int>()));

        var studies = JsonNode.Parse(await http.GetStringAsync(new Uri("/studies", UriKind.Relative)))!.AsArray();
        var id = Assert.Single(studies)!["studyId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        string state;
        do
        {
            await Task.Delay(500);
            state = JsonNode.Parse(await http.GetStringAsync(new Uri($"/studies/{id}", UriKind.Relative)))!["study"]!["status"]!.GetValue<string>();
        }
        while (state is not ("Completed" or "Failed") && DateTime.UtcNow < deadline);

        Assert.Equal("Completed", state);
        var report = JsonNode.Parse(await http.GetStringAsync(new Uri($"/studies/{id}/report", UriKind.Relative)))!;
        Assert.Equal(phantom.Truth.AxialT2SeriesInstanceUid, report["seriesInstanceUid"]!.GetValue<string>());

        // An instance of another study than the URL names: nothing stored, 409, with the reason.
        (status, body) = await StowAsync(http, "/dicomweb/studies/1.2.3.4.5", Multipart(files.Take(1)));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(0xC409, body["00081198"]!["Value"]![0]!["00081197"]!["Value"]![0]!.GetValue<int>());
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> StowAsync(HttpClient http, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.SendAsync(request);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static MultipartContent Multipart(IEnumerable<byte[]> instances, IEnumerable<(string Type, byte[] Bytes)>? extra = null)
    {
        var content = new MultipartContent("related", "spine-boundary-" + Guid.NewGuid().ToString("n"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var (type, bytes) in instances.Select(b => ("application/dicom", b)).Concat(extra ?? []))
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            content.Add(part);
        }

        return content;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
