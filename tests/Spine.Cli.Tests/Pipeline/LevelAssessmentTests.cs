using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests.Pipeline;

/// <summary>
/// The pipeline grades per level and reads only what it was built for: a level it cannot measure is reported not
/// assessable beside the levels it can, levels are named as the anatomy allows or marked uncertain, and series that are
/// not axial T2-weighted lumbar spine are turned away with their reason, end to end in one process.
/// </summary>
public sealed class LevelAssessmentTests : IAsyncLifetime
{
    private static readonly SpinalLevel[] FiveLevels = [SpinalLevel.L1L2, SpinalLevel.L2L3, SpinalLevel.L3L4, SpinalLevel.L4L5, SpinalLevel.L5S1];
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, bus =>
        {
            EmbeddedPlatform.Record<StudyReportPublished>(bus);
            EmbeddedPlatform.Record<StudyFailed>(bus);
        });

    [Fact]
    public async Task A_level_under_a_metal_artefact_is_reported_not_assessable_with_its_reason_and_every_other_level_is_graded()
    {
        var options = PhantomOptions.Demo(seed: 424242) with
        {
            Acquisition = Acquisition.Default with { Artefacts = ["metal"], MetalLevel = SpinalLevel.L4L5 },
        };

        var report = await AnalyseAsync(PhantomGenerator.Generate(options), "metal");

        Assert.Equal(FiveLevels, report.Levels.Select(l => l.Level));
        var wiped = report.Levels.Single(l => l.Level == SpinalLevel.L4L5);
        Assert.False(string.IsNullOrWhiteSpace(wiped.NotAssessableReason));
        Assert.Empty(wiped.Findings);
        Assert.All(report.Levels.Where(l => l.Level != SpinalLevel.L4L5), level =>
        {
            Assert.Null(level.NotAssessableReason);
            Assert.Equal(5, level.Findings.Count);
        });
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task A_study_of_four_or_six_lumbar_levels_has_every_level_named_as_its_anatomy_is_or_marked_uncertain(int lumbarVertebrae)
    {
        IReadOnlyList<SpinalLevel> covered = lumbarVertebrae == 4 ? FiveLevels[..4] : [.. FiveLevels, SpinalLevel.S1S2];
        var phantom = PhantomGenerator.Generate(PhantomOptions.Demo(seed: 434343 + lumbarVertebrae) with
        {
            Grades = new Dictionary<SpinalLevel, LevelGrades>(),
            Variants = StudyVariants.None(covered) with { LumbarVertebrae = lumbarVertebrae },
        });

        var report = await AnalyseAsync(phantom, $"lumbar-{lumbarVertebrae}");

        // Axial slabs alone cannot show where the sacrum is: a name that differs from the anatomy must say it may.
        Assert.Equal(lumbarVertebrae, report.Levels.Count);
        var truth = phantom.Truth.Levels.Select(l => l.Level).Order().ToList();
        var named = report.Levels.OrderBy(l => l.Level).ToList();
        Assert.All(named.Zip(truth), pair => Assert.True(pair.First.Level == pair.Second || pair.First.LevelUncertain,
            $"slab of {SpinalLevels.Name(pair.Second)} reported as {SpinalLevels.Name(pair.First.Level)} without being marked uncertain"));
        Assert.Contains(named.Zip(truth), pair => pair.First.Level != pair.Second);
    }

    [Fact]
    public async Task Series_that_are_not_axial_T2_lumbar_spine_are_turned_away_with_their_reason_while_the_lumbar_series_beside_them_is_reported()
    {
        // The phantom's own sagittal T2 and axial T1, and every MR image of the DICOM corpus moved into the same study.
        var phantom = PhantomGenerator.Generate(PhantomOptions.Demo(seed: 454545));
        var folder = Write(phantom, "foreign");
        var corpus = Directory.EnumerateFiles(RepositoryLayout.DicomCorpus, "*.dcm", SearchOption.AllDirectories)
            .Where(path => IsMr(path) && !Path.GetFileName(path).Contains("truncated", StringComparison.Ordinal) && !path.Contains("too_short", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(corpus.Count >= 3, "the corpus holds MR_small, dcm_qa_ts and emri_small");

        // The corpus holds each image in several encodings; the toolkit writes little endian only, and the native
        // little-endian copies cover every series of the corpus (checked), so those are moved into the study.
        var native = corpus.Where(path => DicomFile.Open(path).TransferSyntax is var syntax
            && (syntax == DicomTransferSyntax.ExplicitVRLittleEndian || syntax == DicomTransferSyntax.ImplicitVRLittleEndian)).ToList();
        Assert.Equal(SeriesOf(corpus), SeriesOf(native));
        foreach (var path in native)
        {
            var file = DicomFile.Open(path);
            file.Dataset.SetString(DicomTags.StudyInstanceUid, DicomVR.UI, phantom.Truth.StudyInstanceUid);
            DicomWriter.WriteFile(Path.Combine(folder, $"corpus-{Path.GetFileNameWithoutExtension(path)}.dcm"), file.Dataset, file.TransferSyntax);
        }

        var report = await AnalyseFolderAsync(folder);

        Assert.Equal(FiveLevels, report.Levels.Select(l => l.Level));
        Assert.All(report.Levels, level => Assert.Equal(5, level.Findings.Count));
        var series = Assert.IsAssignableFrom<IReadOnlyList<SeriesDecision>>(report.Series);
        var used = Assert.Single(series, s => s.Used);
        Assert.Equal(phantom.Truth.AxialT2SeriesInstanceUid, used.SeriesInstanceUid);
        var corpusSeries = SeriesOf(corpus);
        var distractors = phantom.Series.Where(s => s.SeriesInstanceUid != phantom.Truth.AxialT2SeriesInstanceUid).Select(s => s.SeriesInstanceUid).ToList();
        Assert.Equal(2, distractors.Count);
        Assert.All(corpusSeries.Concat(distractors), uid =>
        {
            var decision = Assert.Single(series, s => s.SeriesInstanceUid == uid);
            Assert.False(decision.Used);
            Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        });
        Assert.Contains(series, s => s.Reason.Contains("sagittal", StringComparison.Ordinal));
        Assert.Contains(series, s => s.Reason.Contains("T1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_study_of_nothing_but_a_foreign_MR_image_fails_with_the_reason_and_is_never_graded()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_platform.Root, "in", "mr-small")).FullName;
        File.Copy(Path.Combine(RepositoryLayout.DicomCorpus, "pydicom", "MR_small.dcm"), Path.Combine(folder, "MR_small.dcm"));

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(folder));

        var failed = await _platform.WaitForAsync<StudyFailed>(m => m.StudyId == study.StudyId, seconds: 120);
        Assert.Equal(PipelineStage.Preprocessing, failed.Stage);
        Assert.Contains("too few", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(_platform.PublishedNow.OfType<StudyReportPublished>(), m => m.StudyId == study.StudyId);
    }

    private static bool IsMr(string path)
    {
        try
        {
            return DicomFile.Open(path).Dataset.GetString(DicomTags.Modality) == "MR";
        }
        catch (DicomFormatException)
        {
            return false; // the corpus's deliberately broken files
        }
    }

    private string Write(PhantomStudy phantom, string name)
    {
        var study = Path.Combine(_platform.Root, "studies", name);
        PhantomWriter.WriteStudy(phantom, study);
        var folder = Path.Combine(_platform.Root, "in", name);
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        Directory.Move(Path.Combine(study, "dicom"), folder);
        return folder;
    }

    private Task<StudyReport> AnalyseAsync(PhantomStudy phantom, string name) => AnalyseFolderAsync(Write(phantom, name));

    private async Task<StudyReport> AnalyseFolderAsync(string folder)
    {
        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(folder));
        var outcome = await _platform.WaitForAsync<object>(m => m is StudyReportPublished r ? r.StudyId == study.StudyId : m is StudyFailed f && f.StudyId == study.StudyId, seconds: 300);
        return outcome is StudyFailed failed
            ? throw new Xunit.Sdk.XunitException($"study failed at {failed.Stage}: {failed.Code}: {failed.Reason}")
            : ((StudyReportPublished)outcome).Report;
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    private static List<string?> SeriesOf(IEnumerable<string> paths) =>
        [.. paths.Select(path => DicomFile.Open(path).Dataset.GetString(DicomTags.SeriesInstanceUid)).Distinct().Order(StringComparer.Ordinal)];
}
