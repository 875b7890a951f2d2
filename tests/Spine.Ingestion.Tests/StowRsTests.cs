using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Spine.Contracts.V1;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Ingestion.Tests;

/// <summary>DICOMweb STOW-RS on the ingestion service, over HTTP, behind an API key.</summary>
public sealed class StowRsTests : IAsyncLifetime
{
    private const string ApiKey = "stow-test-send-only-0123456789";
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync([IngestionModule.Module], EmbeddedPlatform.Record<StudyReceived>,
            new Dictionary<string, string?>
            {
                ["Spine:Security:ApiKeys:1:Name"] = "modality gateway",
                ["Spine:Security:ApiKeys:1:Key"] = ApiKey,
                ["Spine:Security:ApiKeys:1:Roles"] = "send",
            }, web: true);

    [Fact]
    public async Task A_multipart_upload_is_stored_as_one_study_and_its_non_dicom_parts_are_reported_failed()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 939393, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "study"));
        var files = Directory.GetFiles(Path.Combine(_platform.Root, "study", "dicom"), "*.dcm", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();
        var http = _platform.Anonymous!;

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

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid);
        Assert.Equal("stow-rs", received.Source);
        Assert.Equal(files.Count, received.InstanceCount);

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

    [Fact]
    public async Task A_request_to_a_study_path_is_traced_by_its_route_never_by_the_study_instance_uid()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 939394, Distractors = false });
        var uid = phantom.Truth.StudyInstanceUid;
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "traced"));
        var file = Directory.GetFiles(Path.Combine(_platform.Root, "traced", "dicom"), "*.dcm", SearchOption.AllDirectories).Select(File.ReadAllBytes).First();

        var (status, _) = await StowAsync(_platform.Http!, $"/dicomweb/studies/{uid}", Multipart([file]));

        Assert.Equal(HttpStatusCode.OK, status);
        var span = spans.Single(s => s.GetTagItem("http.route") as string == "/dicomweb/studies/{studyInstanceUid}");
        Assert.Equal("/dicomweb/studies/{studyInstanceUid}", span.GetTagItem("url.path"));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value?.ToString()?.Contains(uid, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(uid, span.DisplayName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_study_sent_in_two_requests_within_the_quiet_period_is_one_study()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 939395, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "halves"));
        var files = Directory.GetFiles(Path.Combine(_platform.Root, "halves", "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

        Assert.Equal(HttpStatusCode.OK, (await StowAsync(_platform.Http!, "/dicomweb/studies", Multipart(files.Take(files.Count / 2)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await StowAsync(_platform.Http!, $"/dicomweb/studies/{phantom.Truth.StudyInstanceUid}", Multipart(files.Skip(files.Count / 2 - 1)))).Status);

        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid);
        Assert.Equal(files.Count, received.InstanceCount); // the instance sent in both requests is stored once
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(_platform.Published.OfType<StudyReceived>(), m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid);
    }

    [Fact]
    public async Task A_truncated_body_is_answered_400_with_the_reason_and_what_it_held_joins_its_study()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 939396, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "cut"));
        var files = Directory.GetFiles(Path.Combine(_platform.Root, "cut", "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).Take(3).ToList();
        using var multipart = Multipart(files);
        var whole = await multipart.ReadAsByteArrayAsync();

        // Cut in the middle of the third part: no closing boundary ever comes.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dicomweb/studies") { Content = new ByteArrayContent(whole[..(whole.Length - files[2].Length / 2)]) };
        request.Content.Headers.ContentType = multipart.Headers.ContentType;
        request.Headers.Add("X-Api-Key", EmbeddedPlatform.ApiKey);
        using var response = await _platform.Anonymous!.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("cannot be read past part 3", problem, StringComparison.Ordinal);
        Assert.Contains("2 instances read before it were stored", problem, StringComparison.Ordinal);
        var received = await _platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid);
        Assert.Equal(2, received.InstanceCount);
    }

    [Fact]
    public async Task A_part_over_the_part_limit_is_refused_413_naming_the_setting()
    {
        await using var small = await EmbeddedPlatform.StartAsync([IngestionModule.Module], EmbeddedPlatform.Record<StudyReceived>,
            new Dictionary<string, string?> { ["Spine:Ingestion:MaxStowPartBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) }, web: true);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/dicomweb/studies") { Content = Multipart([new byte[1024 * 1024 + 1]]) };
        using var response = await small.Http!.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("Spine:Ingestion:MaxStowPartBytes", problem, StringComparison.Ordinal);
        Assert.Contains("Nothing was stored", problem, StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
