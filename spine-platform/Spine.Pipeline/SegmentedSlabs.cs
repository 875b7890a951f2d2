using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Platform.Storage;

namespace Spine.Pipeline;

/// <summary>A segmented slab read back from storage: its prepared image and its label map, on one grid.</summary>
public static class SegmentedSlabs
{
    public static async Task<(Volume<float> Image, Volume<byte> Labels)> ReadAsync(IObjectStore store, SliceSlab slab, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slab);
        var image = await NiftiObjects.ReadAsync(store, slab.Volume ?? throw new InvalidDataException($"slab {slab.Level}: no prepared volume."), cancellationToken);
        var labels = await NiftiObjects.ReadAsync(store, slab.LabelMap ?? throw new InvalidDataException($"slab {slab.Level}: no label map."), cancellationToken);
        return (image, labels.Map(v => (byte)v));
    }
}
