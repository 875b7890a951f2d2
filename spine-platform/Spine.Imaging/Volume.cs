namespace Spine.Imaging;

/// <summary>A 3-D grid of voxels with its place in the patient. Voxel (i, j, k) is at index (k * SizeJ + j) * SizeI + i.</summary>
public sealed class Volume<T>
    where T : unmanaged
{
    public Volume(int sizeI, int sizeJ, int sizeK, VolumeGeometry geometry, T[]? voxels = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeI);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeJ);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeK);
        var count = (long)sizeI * sizeJ * sizeK;
        if (voxels is not null && voxels.Length != count)
        {
            throw new ArgumentException($"{voxels.Length} voxels given for a {sizeI}x{sizeJ}x{sizeK} volume.", nameof(voxels));
        }

        SizeI = sizeI;
        SizeJ = sizeJ;
        SizeK = sizeK;
        Geometry = geometry;
        Voxels = voxels ?? new T[count];
    }

    public int SizeI { get; }

    public int SizeJ { get; }

    public int SizeK { get; }

    public VolumeGeometry Geometry { get; }

    public T[] Voxels { get; }

    public int SliceLength => SizeI * SizeJ;

    public ref T this[int i, int j, int k] => ref Voxels[(((long)k * SizeJ) + j) * SizeI + i];

    public Span<T> Slice(int k) => Voxels.AsSpan(k * SliceLength, SliceLength);

    public bool Contains(int i, int j, int k) => (uint)i < (uint)SizeI && (uint)j < (uint)SizeJ && (uint)k < (uint)SizeK;

    /// <summary>Slices <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 as a volume of their own, in place in the patient.</summary>
    public Volume<T> Slices(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, SizeK, nameof(count));
        var geometry = Geometry with { Origin = Geometry.WorldOf(0, 0, first) };
        return new Volume<T>(SizeI, SizeJ, count, geometry, Voxels.AsSpan(first * SliceLength, count * SliceLength).ToArray());
    }

    public Volume<TOut> Map<TOut>(Func<T, TOut> map)
        where TOut : unmanaged
    {
        ArgumentNullException.ThrowIfNull(map);
        var output = new TOut[Voxels.Length];
        for (var v = 0; v < output.Length; v++)
        {
            output[v] = map(Voxels[v]);
        }

        return new Volume<TOut>(SizeI, SizeJ, SizeK, Geometry, output);
    }
}
