using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Ledger;
using Spine.Platform.Storage;
using Spine.Preprocessing;
using Spine.Testing;

namespace Spine.Preprocessing.Tests;

/// <summary>StudyReceived to VolumePrepared (or StudyFailed) over the embedded bus, from a folder import.</summary>
public sealed class PreprocessingTests : IAsyncLifetime
{
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync([IngestionModule.Module, PreprocessingModule.Module], bus =>
        {
            EmbeddedPlatform.Record<VolumePrepared>(bus);
            EmbeddedPlatform.Record<StudyFailed>(bus);
        });

    [Fact]
    public async Task A_phantom_study_is_prepared_as_five_named_slabs_each_stored_with_its_own_geometry()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 828282 });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "in"));

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));
        var prepared = await _platform.WaitForAsync<VolumePrepared>(m => m.StudyId == study.StudyId);

        Assert.Equal(phantom.Truth.AxialT2SeriesInstanceUid, prepared.SeriesInstanceUid);
        Assert.Contains("T2-weighted (TR 4200 ms, TE 102 ms)", prepared.SelectionReason, StringComparison.Ordinal);
        Assert.Contains("sagittal", prepared.SelectionReason, StringComparison.Ordinal);
        Assert.Equal(phantom.Truth.Levels.Select(l => l.Level).Order(), prepared.Slabs.Select(s => s.Level!.Value).Order());
        var store = _platform.Service<IObjectStore>();
        foreach (var slab in prepared.Slabs)
        {
            var truth = phantom.Truth.Levels.Single(l => l.Level == slab.Level);
            Assert.Equal(truth.SliceCount, slab.SliceCount);
            Assert.False(slab.LevelUncertain);
            await using var stream = await store.OpenReadAsync(slab.Volume!);
            using var gz = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
            using var bytes = new MemoryStream();
            await gz.CopyToAsync(bytes);
            var volume = Nifti.Read(bytes.ToArray());
            Assert.Equal(truth.SliceCount, volume.SizeK);
            Assert.Equal(1f, volume.Voxels.Max());

            // The slab's own affine: its slices lie where the phantom's slab does (the first slice's centre, within a
            // millimetre), whatever pixel the study was acquired at and the models' pixel it was resampled to.
            var source = phantom.Slabs.Single(s => s.Level == slab.Level).Image;
            var centre = volume.Geometry.WorldOf((volume.SizeI - 1) / 2.0, (volume.SizeJ - 1) / 2.0, 0);
            var expected = source.Geometry.WorldOf((source.SizeI - 1) / 2.0, (source.SizeJ - 1) / 2.0, 0);
            Assert.True((centre - expected).Length < 1, $"slab geometry moved by {(centre - expected).Length:0.00} mm");
        }

        Assert.Equal(prepared.Slabs.Sum(s => s.SliceCount), prepared.Slabs[^1].FirstSlice + prepared.Slabs[^1].SliceCount);
        var record = await _platform.Service<IStudyLedger>().FindAsync(study.StudyId);
        Assert.Contains(record!.Transitions, t => t.Stage == PipelineStage.Preprocessing && t.Outcome == StageOutcome.Completed);
    }

    [Fact]
    public async Task A_study_without_an_axial_t2_series_fails_with_the_reason()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 828283 });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "in2"));
        var axialT2 = phantom.Series.Single(s => s.SeriesInstanceUid == phantom.Truth.AxialT2SeriesInstanceUid);
        Directory.Delete(Path.Combine(_platform.Root, "in2", "dicom", axialT2.Folder), recursive: true);

        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in2", "dicom")));
        var failed = await _platform.WaitForAsync<StudyFailed>(m => m.StudyId == study.StudyId);

        Assert.Equal(PipelineStage.Preprocessing, failed.Stage);
        Assert.Equal("no-axial-t2-series", failed.Code);
        Assert.Contains("sagittal", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("T1-weighted", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(_platform.Published.OfType<VolumePrepared>(), m => m.StudyId == study.StudyId);
        var record = await _platform.Service<IStudyLedger>().FindAsync(study.StudyId);
        Assert.Equal(StudyStatus.Failed, record!.Status);
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
