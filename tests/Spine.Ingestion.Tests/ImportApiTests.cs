using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Spine.Contracts.V1;
using Spine.Testing;

namespace Spine.Ingestion.Tests;

/// <summary>The ingestion service's <c>POST /imports</c> over HTTP, in the embedded configuration.</summary>
public sealed class ImportApiTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spine-import-").FullName;

    [Fact]
    public async Task Imports_answer_with_the_skipped_files_and_refuse_folders_outside_the_import_root()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(_root, "inbox")).FullName;
        Directory.CreateDirectory(Path.Combine(inbox, "notes"));
        await File.WriteAllTextAsync(Path.Combine(inbox, "notes", "readme.txt"), "no images here");
        await File.WriteAllBytesAsync(Path.Combine(inbox, "notes", "scan.dcm"), new byte[300]);
        Directory.CreateDirectory(Path.Combine(_root, "elsewhere"));

        await using var platform = await EmbeddedPlatform.StartAsync([IngestionModule.Module], EmbeddedPlatform.Record<StudyReceived>,
            new Dictionary<string, string?> { ["Spine:Ingestion:ImportRoot"] = inbox }, root: Path.Combine(_root, "platform"), web: true);
        var http = platform.Http!;

        // A folder without a study: nothing started, and every file is listed with its reason.
        var (status, body) = await PostAsync(http, new { folder = "notes" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Empty(body["studies"]!.AsArray());
        var rejected = body["rejectedFiles"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["reason"]!.GetValue<string>());
        Assert.Equal(["readme.txt", "scan.dcm"], rejected.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("scan.dcm", rejected["scan.dcm"], StringComparison.Ordinal);

        (status, body) = await PostAsync(http, new { folder = "../elsewhere" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not a folder under the import root", body["error"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, _) = await PostAsync(http, new { folder = Path.Combine(_root, "elsewhere") });
        Assert.Equal(HttpStatusCode.BadRequest, status);

        (status, body) = await PostAsync(http, new { folder = "missing" });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("folder not found", body["error"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, body) = await PostAsync(http, new { path = "notes" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("must name a folder", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_folder_imported_twice_is_answered_with_its_first_study_id_and_reported_once()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(_root, "inbox")).FullName;
        Spine.Phantom.PhantomWriter.WriteStudy(Spine.Phantom.PhantomGenerator.Generate(new Spine.Phantom.PhantomOptions { Seed = 919191, Distractors = false }), Path.Combine(inbox, "study"));
        await using var platform = await EmbeddedPlatform.StartAsync([IngestionModule.Module], EmbeddedPlatform.Record<StudyReceived>,
            new Dictionary<string, string?> { ["Spine:Ingestion:ImportRoot"] = inbox }, root: Path.Combine(_root, "platform"), web: true);

        var (status, first) = await PostAsync(platform.Http!, new { folder = "study/dicom" });
        Assert.Equal(HttpStatusCode.Accepted, status);
        var (again, second) = await PostAsync(platform.Http!, new { folder = "study/dicom" });

        Assert.Equal(HttpStatusCode.OK, again);
        var study = Assert.Single(second["studies"]!.AsArray())!;
        Assert.Equal(first["studies"]![0]!["studyId"]!.GetValue<string>(), study["studyId"]!.GetValue<string>());
        Assert.True(study["repeated"]!.GetValue<bool>());

        // The outbox relay publishes the first import's StudyReceived when it next runs (a fixed half second was too short
        // for a busy machine); once it has, a second one, had the repeat queued one, would have followed in the same pass.
        var studyId = Guid.Parse(study["studyId"]!.GetValue<string>());
        await platform.WaitForAsync<StudyReceived>(m => m.StudyId == studyId, seconds: 60);
        await Task.Delay(1000);
        Assert.Single(platform.Published.OfType<StudyReceived>());
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(HttpClient http, object request)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/imports", UriKind.Relative), request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
