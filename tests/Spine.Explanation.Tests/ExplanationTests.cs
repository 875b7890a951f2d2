using Spine.Classification;
using Spine.Contracts.V1;
using Spine.Explanation;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Storage;
using Spine.Preprocessing;
using Spine.Segmentation;
using Spine.Testing;

namespace Spine.Explanation.Tests;

/// <summary>FindingsClassified to ExplanationsReady, from a folder import through the four services before it.</summary>
public sealed class ExplanationTests : IAsyncLifetime
{
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(
            [IngestionModule.Module, PreprocessingModule.Module, SegmentationModule.Module, ClassificationModule.Module, ExplanationModule.Module],
            EmbeddedPlatform.Record<ExplanationsReady>);

    [Fact]
    public async Task Every_finding_gets_a_rationale_a_heat_map_and_an_overlay()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 858585, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "in"));

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));
        var explained = await _platform.WaitForAsync<ExplanationsReady>(m => m.StudyId == study.StudyId, seconds: 120);

        Assert.Equal(5, explained.Levels.Count);
        var store = _platform.Service<IObjectStore>();
        foreach (var finding in explained.Levels.SelectMany(l => l.Findings))
        {
            var explanation = finding.Explanation!;
            Assert.False(string.IsNullOrWhiteSpace(explanation.Rationale));
            foreach (var picture in new[] { explanation.HeatMap!, explanation.Overlay! })
            {
                Assert.Equal("image/png", picture.ContentType);
                await using var stream = await store.OpenReadAsync(picture);
                var signature = new byte[4];
                await stream.ReadExactlyAsync(signature);
                Assert.Equal([0x89, 0x50, 0x4E, 0x47], signature.Select(b => (int)b));
            }
        }

        var canal = explained.Levels[0].Findings.Single(f => f.Kind == FindingKind.CentralCanalStenosis);
        Assert.StartsWith("Dural sac area ", canal.Explanation!.Rationale, StringComparison.Ordinal);
        Assert.Contains("Decision tree:", canal.Explanation.Rationale, StringComparison.Ordinal);
        var foramen = explained.Levels[0].Findings.Single(f => f.Kind == FindingKind.ForaminalStenosis && f.Side == Side.Right);
        Assert.StartsWith("Right foramen: CNN grade ", foramen.Explanation!.Rationale, StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
