namespace Spine.Imaging;

/// <summary>Intensity normalisation, as a model's model.json asks for it.</summary>
public static class Normalization
{
    /// <summary>Clips to the given percentiles and maps them to 0 and 1 (robust to the bright outliers of fat and CSF on T2).</summary>
    public static Volume<float> PercentileScale(Volume<float> volume, double lowPercentile = 0.5, double highPercentile = 99.5)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var sorted = (float[])volume.Voxels.Clone();
        Array.Sort(sorted);
        var low = sorted[(int)Math.Clamp(lowPercentile / 100 * (sorted.Length - 1), 0, sorted.Length - 1)];
        var high = sorted[(int)Math.Clamp(highPercentile / 100 * (sorted.Length - 1), 0, sorted.Length - 1)];
        var range = Math.Max(high - low, 1e-6f);
        return volume.Map(v => Math.Clamp((v - low) / range, 0f, 1f));
    }

    /// <summary>Zero mean and unit standard deviation over the whole volume.</summary>
    public static Volume<float> ZScore(Volume<float> volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        double sum = 0, squares = 0;
        foreach (var v in volume.Voxels)
        {
            sum += v;
            squares += (double)v * v;
        }

        var mean = sum / volume.Voxels.Length;
        var deviation = Math.Sqrt(Math.Max((squares / volume.Voxels.Length) - (mean * mean), 1e-12));
        return volume.Map(v => (float)((v - mean) / deviation));
    }
}
