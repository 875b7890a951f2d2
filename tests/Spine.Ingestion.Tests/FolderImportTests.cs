using System.Text.Json;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;
using Spine.Testing;

namespace Spine.Ingestion.Tests;

/// <summary>Folder import in the embedded configuration: filesystem store, SQLite ledger, in-memory bus, all real.</summary>
public sealed class FolderImportTests : IAsyncLifetime
{
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync([IngestionModule.Module], EmbeddedPlatform.Record<StudyReceived>);

    [Fact]
    public async Task A_folder_mixing_a_study_with_a_text_file_and_a_truncated_dicom_file_imports_the_study_and_lists_both()
    {
        var folder = Path.Combine(_platform.Root, "in");
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 818181 }), folder);
        var dicom = Directory.EnumerateFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not an image");
        var whole = await File.ReadAllBytesAsync(dicom[0]);
        await File.WriteAllBytesAsync(Path.Combine(folder, "cut.dcm"), whole.AsSpan(0, whole.Length / 2).ToArray());

        var studies = await _platform.Service<FolderImport>().ImportAsync(folder);

        var study = Assert.Single(studies);
        Assert.Equal(dicom.Count, study.InstanceCount);
        var rejectedNames = study.RejectedFiles.Select(r => r.Name).ToList();
        Assert.Contains("notes.txt", rejectedNames);
        Assert.Contains("cut.dcm", rejectedNames);
        Assert.Contains(study.RejectedFiles, r => r.Name == "cut.dcm" && r.Reason.Contains("cut.dcm", StringComparison.Ordinal));

        // Label maps and ground truth in the phantom folder are not DICOM either: listed, not fatal.
        Assert.All(study.RejectedFiles, r => Assert.DoesNotContain(".dcm", r.Name.Replace("cut.dcm", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));

        var message = await _platform.WaitForAsync<StudyReceived>(m => m.StudyId == study.StudyId, seconds: 10);
        Assert.Equal(dicom.Count, message.InstanceCount);
        Assert.Equal(study.RejectedFiles.Count, message.RejectedFileCount);

        var store = _platform.Service<IObjectStore>();
        StudyManifest manifest;
        await using (var stream = await store.OpenReadAsync(message.Manifest))
        {
            manifest = (await JsonSerializer.DeserializeAsync(stream, SpineContractsJsonContext.Default.StudyManifest))!;
        }

        Assert.Equal(dicom.Count, manifest.Instances.Count);
        var sources = dicom.ToDictionary(path => Spine.Dicom.DicomFile.Open(path).Dataset.GetString(Spine.Dicom.DicomTags.SopInstanceUid)!, File.ReadAllBytes);
        foreach (var instance in manifest.Instances)
        {
            await using var stream = await store.OpenReadAsync(instance.Object);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(sources[instance.SopInstanceUid], copy.ToArray());
        }

        var record = await _platform.Service<IStudyLedger>().FindAsync(study.StudyId);
        Assert.Equal(PipelineStage.Ingestion, record!.Stage);
    }

    [Fact]
    public async Task The_same_instance_twice_is_stored_once()
    {
        var folder = Path.Combine(_platform.Root, "twice");
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 818182, Distractors = false }), folder);
        var dicom = Directory.EnumerateFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).ToList();
        File.Copy(dicom[0], Path.Combine(folder, "again.dcm"));

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(folder));

        Assert.Equal(dicom.Count, study.InstanceCount);
    }

    [Fact]
    public async Task Links_leading_out_of_the_folder_are_listed_and_not_followed_while_links_inside_it_are()
    {
        var folder = Path.Combine(_platform.Root, "linked");
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 818183, Distractors = false }), folder);
        var dicom = Directory.EnumerateFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var outside = Path.Combine(_platform.Root, "elsewhere");
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 818184, Distractors = false }), outside);
        var foreign = Directory.EnumerateFiles(Path.Combine(outside, "dicom"), "*.dcm", SearchOption.AllDirectories).First();
        File.CreateSymbolicLink(Path.Combine(folder, "out.dcm"), foreign);
        Directory.CreateSymbolicLink(Path.Combine(folder, "out-folder"), Path.Combine(outside, "dicom"));
        File.CreateSymbolicLink(Path.Combine(folder, "in.dcm"), dicom[0]);

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(folder));

        Assert.Equal(dicom.Count, study.InstanceCount); // the inside link is the same instance again, stored once
        var refused = study.RejectedFiles.Where(r => r.Reason.StartsWith("a link leading out", StringComparison.Ordinal)).Select(r => r.Name).ToList();
        Assert.Contains("out.dcm", refused);
        Assert.Equal(Directory.EnumerateFiles(Path.Combine(outside, "dicom"), "*", SearchOption.AllDirectories).Count() + 1, refused.Count);
    }

    [Fact]
    public async Task A_missing_folder_is_refused_naming_it()
    {
        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "nowhere")));
        Assert.Contains("nowhere", ex.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
