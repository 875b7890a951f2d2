using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>One phantom study run through the embedded pipeline with the web API: what the DICOM result objects' tests read.</summary>
public sealed class ReportedPhantomStudy : IAsyncLifetime
{
    public EmbeddedPlatform Platform { get; private set; } = null!;

    public StudyReport Report { get; private set; } = null!;

    public PhantomStudy Phantom { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, EmbeddedPlatform.Record<StudyReportPublished>, web: true);
        Phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 959595, Distractors = false });
        PhantomWriter.WriteStudy(Phantom, Path.Combine(Platform.Root, "in"));
        var study = Assert.Single(await Platform.Service<FolderImport>().ImportAsync(Path.Combine(Platform.Root, "in", "dicom")));
        Report = (await Platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study.StudyId, seconds: 120)).Report;
    }

    /// <summary>A DICOM object the studies API serves for the study (sr, seg).</summary>
    public async Task<byte[]> GetDicomAsync(string what)
    {
        using var response = await Platform.Http!.GetAsync(new Uri($"/studies/{Report.StudyId}/{what}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/dicom", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async Task DisposeAsync() => await Platform.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ReportedPhantomStudyCollection : ICollectionFixture<ReportedPhantomStudy>
{
    public const string Name = "reported phantom study";
}
