using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Segmentation;
using Spine.Imaging;
using Spine.Pipeline;
using Spine.Platform.Storage;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>The segmentation as DICOM SEG: valid by dciodvfy, read back onto the slabs, and referenced by the SR.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(ReportedPhantomStudyCollection.Name)]
public sealed class StudySegmentationTests(ReportedPhantomStudy study)
{
    [Fact]
    public async Task Dciodvfy_finds_no_error_in_the_segmentation()
    {
        var path = Path.Combine(study.Platform.Root, "seg.dcm");
        await File.WriteAllBytesAsync(path, await study.GetDicomAsync("seg"));

        var (_, output) = await ExternalTool.RunAsync("dciodvfy", [path]);

        Assert.Contains("Segmentation", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Segmentation_read_back_and_resampled_into_each_slab_matches_its_label_map()
    {
        var segmentation = Segmentations.Read(DicomFile.Read(await study.GetDicomAsync("seg")).Dataset);
        var planes = Directory.EnumerateFiles(Path.Combine(study.Platform.Root, "in", "dicom"), "*", SearchOption.AllDirectories)
            .Select(file => DicomFile.Read(File.ReadAllBytes(file), options: new DicomReadOptions { StopBeforePixelData = true }).Dataset)
            .ToDictionary(d => d.GetString(DicomTags.SopInstanceUid)!, d => ImagePlane.From(d)!, StringComparer.Ordinal);
        var store = study.Platform.Service<IObjectStore>();
        Assert.Equal([1, 2, 3, 4], segmentation.Segments.Select(s => s.Number));
        Assert.Equal(("91723000", "SCT"), (segmentation.Segments[0].Category.Value, segmentation.Segments[0].Category.Scheme));

        foreach (var level in study.Report.Levels)
        {
            var instances = level.Slices.Instances!;
            var slab = await NiftiObjects.ReadAsync(store, level.Slices.LabelMap!, CancellationToken.None);
            var slice = instances.Select((instance, k) => (instance.SopInstanceUid, k)).ToDictionary(p => p.SopInstanceUid, p => p.k, StringComparer.Ordinal);
            var inSource = new Volume<float>(segmentation.Columns, segmentation.Rows, instances.Count, VolumeGeometry.FromStack([.. instances.Select(i => planes[i.SopInstanceUid])]));
            foreach (var frame in segmentation.Frames.Where(f => slice.ContainsKey(f.Source.SopInstanceUid)))
            {
                Assert.Equal(instances[slice[frame.Source.SopInstanceUid]].SopClassUid, frame.Source.SopClassUid);
                Assert.Equal(planes[frame.Source.SopInstanceUid].Position, frame.Plane.Position);
                var target = inSource.Slice(slice[frame.Source.SopInstanceUid]);
                var mask = frame.Mask.Span;
                for (var p = 0; p < mask.Length; p++)
                {
                    if (mask[p] != 0)
                    {
                        target[p] = frame.SegmentNumber;
                    }
                }
            }

            var back = Resampling.Resample(inSource, slab.Geometry, slab.SizeI, slab.SizeJ, slab.SizeK, Interpolation.Nearest);
            var expected = slab.Voxels.Select(v => (byte)MathF.Round(v)).ToArray();
            var actual = back.Voxels.Select(v => (byte)MathF.Round(v)).ToArray();
            foreach (var structure in new byte[] { 1, 2, 3, 4 }.Where(s => expected.Contains(s)))
            {
                var dice = Spine.Evaluation.Metrics.Dice(actual, expected, structure);
                Assert.True(dice >= 0.99, $"{level.Level.Name()} segment {structure}: Dice {dice:0.000}");
            }
        }

        // Every frame references a source instance of one of the reported slabs, by UID.
        var sources = study.Report.Levels.SelectMany(l => l.Slices.Instances!).Select(i => i.SopInstanceUid).ToHashSet(StringComparer.Ordinal);
        Assert.All(segmentation.Frames, frame => Assert.Contains(frame.Source.SopInstanceUid, sources));
    }

    [Fact]
    public async Task Measurement_report_references_the_segmentation_frames_the_areas_were_measured_on()
    {
        var path = Path.Combine(study.Platform.Root, "sr-seg.dcm");
        await File.WriteAllBytesAsync(path, await study.GetDicomAsync("sr"));
        var segUid = DicomFile.Read(await study.GetDicomAsync("seg")).Dataset.GetString(DicomTags.SopInstanceUid)!;

        var (exit, tree) = await ExternalTool.RunAsync("dsrdump", ["-Ec", "+Pu", path]);

        Assert.True(exit == 0, tree);
        var references = tree.Split('\n').Where(line => line.Contains("<inferred from IMAGE:(,,\"Referenced Segmentation Frame\")", StringComparison.Ordinal)).ToList();
        Assert.Equal(study.Report.Levels.Count * 2, references.Count);
        Assert.All(references, line => Assert.Contains(segUid, line, StringComparison.Ordinal));
    }
}
