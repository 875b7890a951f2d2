using Spine.Analysis.Anatomy;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Preprocessing;

/// <summary>
/// One disc slab of the chosen series, ready for the segmenter: resampled in-plane to the model's spacing and
/// normalised as its model.json says (0.5th and 99.5th percentiles of the slab to 0 and 1). <see cref="Level"/> is
/// null for a slab above L1-L2, and for a contiguous stack through several levels (<see cref="ContiguousStack"/>),
/// whose levels segmentation finds. <see cref="Instances"/> are the source instances of its slices, in slice order.
/// </summary>
public sealed record PreparedSlab(int Index, SpinalLevel? Level, bool LevelUncertain, IReadOnlyList<SourceInstance> Instances, Volume<float> Image, bool ContiguousStack = false);

/// <summary>
/// Splits the chosen series into its disc slabs (stacks of parallel, evenly spaced slices) and prepares each; a series
/// that is one contiguous stack (see <see cref="SeriesSelection.IsContiguousStack"/>) stays one slab, unnamed.
/// </summary>
public static class StudyPreparation
{
    public static IReadOnlyList<PreparedSlab> Prepare(SeriesGroup series, double spacingMm)
    {
        ArgumentNullException.ThrowIfNull(series);
        var stacks = DicomVolumes.SplitIntoStacks(series.Instances);
        var volumes = stacks.Select(DicomVolumes.FromStack).ToList();
        var centres = volumes.Select(v => v.Geometry.WorldOf((v.SizeI - 1) / 2.0, (v.SizeJ - 1) / 2.0, (v.SizeK - 1) / 2.0)).ToList();
        var contiguous = stacks.Count == 1 && SeriesSelection.IsContiguousStack(stacks[0]);
        var levels = contiguous ? [new AssignedLevel(0, null, true)] : LevelAssignment.Assign(centres);
        return volumes.Select((volume, index) =>
        {
            var g = volume.Geometry;
            var resampled = Math.Abs(g.SpacingI - spacingMm) < 1e-6 && Math.Abs(g.SpacingJ - spacingMm) < 1e-6
                ? volume
                : Resampling.ToInPlaneSpacing(volume, spacingMm, Interpolation.Linear);
            return new PreparedSlab(index, levels[index].Level, levels[index].Uncertain, [.. stacks[index].Select(Describe)], Normalization.PercentileScale(resampled), contiguous);
        }).ToList();
    }

    private static SourceInstance Describe(DicomFile image) => new()
    {
        SopInstanceUid = image.Dataset.GetString(DicomTags.SopInstanceUid) ?? string.Empty,
        SopClassUid = image.Dataset.GetString(DicomTags.SopClassUid) ?? string.Empty,
        InstanceNumber = image.Dataset.GetInt32(DicomTags.InstanceNumber) ?? 0,
        SlicePositionMm = Math.Round(ImagePlane.From(image.Dataset)?.DistanceAlongNormal ?? 0, 2),
    };
}
