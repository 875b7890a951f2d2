using Spine.Dicom;

namespace Spine.Imaging.Tests;

public sealed class ResamplingTests
{
    private static Volume<float> Ramp(int size, double spacing) =>
        new(size, size, 1, new VolumeGeometry(new Vector3D(0, 0, 0), new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), new Vector3D(0, 0, 1), spacing, spacing, 1),
            Enumerable.Range(0, size * size).Select(v => (float)(v % size)).ToArray());

    [Fact]
    public void Resampling_onto_the_same_grid_changes_nothing()
    {
        var ramp = Ramp(8, 1);

        var same = Resampling.Resample(ramp, ramp.Geometry, 8, 8, 1, Interpolation.Linear);

        Assert.Equal(ramp.Voxels, same.Voxels);
    }

    [Fact]
    public void Linear_resampling_of_a_ramp_gives_the_ramp_at_the_new_positions()
    {
        var ramp = Ramp(8, 1);

        var coarse = Resampling.ToInPlaneSpacing(ramp, 2, Interpolation.Linear);

        // New voxel centres sit at 0.5, 2.5, 4.5, 6.5 mm: between old voxels, where the ramp has those values.
        Assert.Equal((4, 4), (coarse.SizeI, coarse.SizeJ));
        Assert.Equal([0.5f, 2.5f, 4.5f, 6.5f], coarse.Voxels.Take(4));
    }

    [Fact]
    public void Nearest_resampling_of_labels_never_invents_a_label()
    {
        var labels = new Volume<float>(6, 6, 1, Ramp(6, 1).Geometry, Enumerable.Range(0, 36).Select(v => (float)((v % 6) < 3 ? 1 : 3)).ToArray());

        var resampled = Resampling.ToInPlaneSpacing(labels, 0.7, Interpolation.Nearest);

        Assert.All(resampled.Voxels, v => Assert.Contains(v, new[] { 1f, 3f }));
        Assert.Contains(1f, resampled.Voxels);
        Assert.Contains(3f, resampled.Voxels);
    }

    [Fact]
    public void Percentile_scaling_maps_the_range_to_zero_and_one()
    {
        var ramp = Ramp(10, 1);

        var scaled = Normalization.PercentileScale(ramp, 0, 100);

        Assert.Equal(0f, scaled.Voxels.Min());
        Assert.Equal(1f, scaled.Voxels.Max());
        Assert.Equal(5f / 9f, scaled[5, 0, 0], 5);
    }

    [Fact]
    public void Z_score_gives_zero_mean_and_unit_deviation()
    {
        var scaled = Normalization.ZScore(Ramp(10, 1));

        var mean = scaled.Voxels.Average();
        var deviation = Math.Sqrt(scaled.Voxels.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(0, mean, 5);
        Assert.Equal(1, deviation, 4);
    }
}
