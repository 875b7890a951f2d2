using Spine.Contracts.V1;

namespace Spine.Platform.Storage;

public static class ObjectReading
{
    /// <summary>A whole (small) object in memory, its SHA-256 verified by the store as it is read.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(this IObjectStore store, ObjectRef reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var stream = await store.OpenReadAsync(reference, cancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
