using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Phantom;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;

namespace Spine.Ingestion.Tests;

/// <summary>Folder import in the embedded configuration: filesystem store, SQLite ledger, in-memory bus, all real.</summary>
public sealed class FolderImportTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("spine-ingestion-").FullName;
    private readonly ConcurrentQueue<StudyReceived> _received = new();
    private IHost _host = null!;

    private sealed class Capture(ConcurrentQueue<StudyReceived> received) : IConsumer<StudyReceived>
    {
        public Task Consume(ConsumeContext<StudyReceived> context)
        {
            received.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spine:Storage:FileSystem:Root"] = Path.Combine(_root, "objects"),
            ["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(_root, "ledger.db")}",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(_received);
        var capture = new SpineServiceModule("capture", "test", bus => bus.AddConsumer<Capture>());
        builder.AddSpinePlatform([IngestionModule.Module, capture], "ingestion-test");
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        _host = builder.Build();
        await _host.StartAsync();
    }

    [Fact]
    public async Task A_folder_mixing_a_study_with_a_text_file_and_a_truncated_dicom_file_imports_the_study_and_lists_both()
    {
        var folder = Path.Combine(_root, "in");
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 818181 }), folder);
        var dicom = Directory.EnumerateFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not an image");
        var whole = await File.ReadAllBytesAsync(dicom[0]);
        await File.WriteAllBytesAsync(Path.Combine(folder, "cut.dcm"), whole.AsSpan(0, whole.Length / 2).ToArray());

        var studies = await _host.Services.GetRequiredService<FolderImport>().ImportAsync(folder);

        var study = Assert.Single(studies);
        Assert.Equal(dicom.Count, study.InstanceCount);
        var rejectedNames = study.RejectedFiles.Select(r => r.Name).ToList();
        Assert.Contains("notes.txt", rejectedNames);
        Assert.Contains("cut.dcm", rejectedNames);
        Assert.Contains(study.RejectedFiles, r => r.Name == "cut.dcm" && r.Reason.Contains("cut.dcm", StringComparison.Ordinal));

        // Label maps and ground truth in the phantom folder are not DICOM either: listed, not fatal.
        Assert.All(study.RejectedFiles, r => Assert.DoesNotContain(".dcm", r.Name.Replace("cut.dcm", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));

        Assert.True(await Eventually(() => _received.Count == 1));
        var message = _received.Single();
        Assert.Equal(study.StudyId, message.StudyId);
        Assert.Equal(dicom.Count, message.InstanceCount);
        Assert.Equal(study.RejectedFiles.Count, message.RejectedFileCount);

        var store = _host.Services.GetRequiredService<IObjectStore>();
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

        var record = await _host.Services.GetRequiredService<IStudyLedger>().FindAsync(study.StudyId);
        Assert.Equal(PipelineStage.Ingestion, record!.Stage);
    }

    [Fact]
    public async Task The_same_instance_twice_is_stored_once()
    {
        var folder = Path.Combine(_root, "twice");
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 818182, Distractors = false }), folder);
        var dicom = Directory.EnumerateFiles(Path.Combine(folder, "dicom"), "*.dcm", SearchOption.AllDirectories).ToList();
        File.Copy(dicom[0], Path.Combine(folder, "again.dcm"));

        var study = Assert.Single(await _host.Services.GetRequiredService<FolderImport>().ImportAsync(folder));

        Assert.Equal(dicom.Count, study.InstanceCount);
    }

    [Fact]
    public async Task A_missing_folder_is_refused_naming_it()
    {
        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => _host.Services.GetRequiredService<FolderImport>().ImportAsync(Path.Combine(_root, "nowhere")));
        Assert.Contains("nowhere", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
