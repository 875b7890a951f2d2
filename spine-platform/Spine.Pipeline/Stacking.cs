using Spine.Imaging;

namespace Spine.Pipeline;

/// <summary>Every slab's slices one after another on the first slab's grid: a display volume; each slab's own NIfTI carries its geometry.</summary>
public static class Stacking
{
    public static Volume<T> Stack<T>(IReadOnlyList<Volume<T>> slabs)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(slabs);
        if (slabs.Count == 0)
        {
            throw new ArgumentException("no slabs to stack", nameof(slabs));
        }

        var (sizeI, sizeJ) = (slabs.Max(s => s.SizeI), slabs.Max(s => s.SizeJ));
        var stacked = new Volume<T>(sizeI, sizeJ, slabs.Sum(s => s.SizeK), slabs[0].Geometry);
        var k0 = 0;
        foreach (var slab in slabs)
        {
            for (var k = 0; k < slab.SizeK; k++)
            {
                for (var j = 0; j < slab.SizeJ; j++)
                {
                    slab.Voxels.AsSpan((((k * slab.SizeJ) + j) * slab.SizeI), slab.SizeI).CopyTo(stacked.Voxels.AsSpan(((((k0 + k) * sizeJ) + j) * sizeI), slab.SizeI));
                }
            }

            k0 += slab.SizeK;
        }

        return stacked;
    }
}
