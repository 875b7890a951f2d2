namespace Spine.Imaging;

public enum Interpolation
{
    /// <summary>For images: trilinear.</summary>
    Linear,

    /// <summary>For label maps: the nearest voxel's label, never a blend of labels.</summary>
    Nearest,
}

/// <summary>Resamples a volume onto another grid in patient space.</summary>
public static class Resampling
{
    /// <summary>Values of <paramref name="source"/> at the voxel centres of the target grid; outside the source: <paramref name="outside"/>.</summary>
    public static Volume<float> Resample(Volume<float> source, VolumeGeometry target, int sizeI, int sizeJ, int sizeK, Interpolation interpolation, float outside = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var output = new Volume<float>(sizeI, sizeJ, sizeK, target);
        var inverse = Matrix3.FromColumns(source.Geometry.AxisI * source.Geometry.SpacingI, source.Geometry.AxisJ * source.Geometry.SpacingJ, source.Geometry.AxisK * source.Geometry.SpacingK).Inverse();
        Parallel.For(0, sizeK, k =>
        {
            for (var j = 0; j < sizeJ; j++)
            {
                for (var i = 0; i < sizeI; i++)
                {
                    var index = inverse.Multiply(target.WorldOf(i, j, k) - source.Geometry.Origin);
                    output[i, j, k] = interpolation == Interpolation.Nearest
                        ? Nearest(source, index.X, index.Y, index.Z, outside)
                        : Linear(source, index.X, index.Y, index.Z, outside);
                }
            }
        });
        return output;
    }

    /// <summary>A grid over the same region as <paramref name="source"/>, with new in-plane spacing (the model's), and the same slices.</summary>
    public static Volume<float> ToInPlaneSpacing(Volume<float> source, double spacing, Interpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(source);
        var g = source.Geometry;
        var sizeI = Math.Max(1, (int)Math.Round(source.SizeI * g.SpacingI / spacing));
        var sizeJ = Math.Max(1, (int)Math.Round(source.SizeJ * g.SpacingJ / spacing));

        // Keep the outer edges of the field of view where they were: the first voxel centre moves by half the change.
        var origin = g.Origin + (g.AxisI * ((spacing - g.SpacingI) / 2)) + (g.AxisJ * ((spacing - g.SpacingJ) / 2));
        var target = g with { Origin = origin, SpacingI = spacing, SpacingJ = spacing };
        return Resample(source, target, sizeI, sizeJ, source.SizeK, interpolation);
    }

    private static float Nearest(Volume<float> v, double x, double y, double z, float outside)
    {
        var (i, j, k) = ((int)Math.Round(x), (int)Math.Round(y), (int)Math.Round(z));
        return v.Contains(i, j, k) ? v[i, j, k] : outside;
    }

    private static float Linear(Volume<float> v, double x, double y, double z, float outside)
    {
        if (x < -0.5 || y < -0.5 || z < -0.5 || x > v.SizeI - 0.5 || y > v.SizeJ - 0.5 || z > v.SizeK - 0.5)
        {
            return outside;
        }

        // Clamp to the edge within half a voxel of the border, then blend the eight neighbours.
        x = Math.Clamp(x, 0, v.SizeI - 1);
        y = Math.Clamp(y, 0, v.SizeJ - 1);
        z = Math.Clamp(z, 0, v.SizeK - 1);
        var (i0, j0, k0) = ((int)x, (int)y, (int)z);
        var (i1, j1, k1) = (Math.Min(i0 + 1, v.SizeI - 1), Math.Min(j0 + 1, v.SizeJ - 1), Math.Min(k0 + 1, v.SizeK - 1));
        var (fx, fy, fz) = ((float)(x - i0), (float)(y - j0), (float)(z - k0));
        float Lerp(float a, float b, float t) => a + ((b - a) * t);
        var c00 = Lerp(v[i0, j0, k0], v[i1, j0, k0], fx);
        var c10 = Lerp(v[i0, j1, k0], v[i1, j1, k0], fx);
        var c01 = Lerp(v[i0, j0, k1], v[i1, j0, k1], fx);
        var c11 = Lerp(v[i0, j1, k1], v[i1, j1, k1], fx);
        return Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
    }
}
