using Spine.Classification;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Preprocessing;
using Spine.Segmentation;
using Spine.Testing;

namespace Spine.Classification.Tests;

/// <summary>SegmentationCompleted to FindingsClassified with the reference models, from a folder import.</summary>
public sealed class ClassificationTests : IAsyncLifetime
{
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(
            [IngestionModule.Module, PreprocessingModule.Module, SegmentationModule.Module, ClassificationModule.Module],
            EmbeddedPlatform.Record<FindingsClassified>);

    [Fact]
    public async Task Every_level_gets_five_graded_findings_that_agree_with_the_phantoms_grades()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 848484, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "in"));

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));
        var classified = await _platform.WaitForAsync<FindingsClassified>(m => m.StudyId == study.StudyId, seconds: 120);

        Assert.Equal([SpinalLevel.L1L2, SpinalLevel.L2L3, SpinalLevel.L3L4, SpinalLevel.L4L5, SpinalLevel.L5S1], classified.Levels.Select(l => l.Level));
        var (agree, total) = (0, 0);
        foreach (var level in classified.Levels)
        {
            var truth = phantom.Truth.Levels.Single(l => l.Level == level.Level).Grades;
            Assert.Equal(5, level.Findings.Count);
            Assert.Equal(4, level.Measurements.Count);
            foreach (var finding in level.Findings)
            {
                var expected = truth.Of(finding.Kind, finding.Side);
                Assert.True(Math.Abs(finding.Grade - expected) <= 1, $"{level.Level} {finding.Kind} {finding.Side}: grade {finding.Grade}, phantom {expected}");
                (agree, total) = (agree + (finding.Grade == expected ? 1 : 0), total + 1);
            }
        }

        // Phantom 2.0's grades are readers' majorities of signs that overlap between grades: no grader is exact. Held to
        // the committed evaluation on typical studies: at least the lowest bound of its exact agreement per finding.
        var floor = CommittedExactAgreementFloor();
        Assert.True(agree >= floor * total, $"{agree} of {total} findings agree with the phantom's grades; the committed evaluation's floor is {floor:0.00}");
    }

    private static double CommittedExactAgreementFloor()
    {
        var evaluation = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "models", "evaluation-standard.json")))!;
        return evaluation["findings"]!.AsArray()
            .Where(f => f!["key"]!.GetValue<string>() != "central_canal_cnn") // the pipeline grades the canal with the tree
            .Min(f => f!["exactInterval"]!["low"]!.GetValue<double>());
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
