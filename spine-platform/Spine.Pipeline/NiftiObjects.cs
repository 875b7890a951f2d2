using System.IO.Compression;
using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Platform.Storage;

namespace Spine.Pipeline;

/// <summary>Volumes and label maps in object storage as gzipped NIfTI-1, read back with their SHA-256 verified.</summary>
public static class NiftiObjects
{
    public static async Task<ObjectRef> PutAsync<T>(IObjectStore store, string key, Volume<T> volume, CancellationToken cancellationToken)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(store);
        using var content = new MemoryStream();
        await using (var gzip = new GZipStream(content, CompressionLevel.Fastest, leaveOpen: true))
        {
            Nifti.Write(gzip, volume);
        }

        content.Position = 0;
        return await store.PutAsync(key, content, "application/gzip", cancellationToken);
    }

    /// <summary>The volume as floats (label maps too: labels are small integers).</summary>
    public static async Task<Volume<float>> ReadAsync(IObjectStore store, ObjectRef reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reference);
        await using var stream = await store.OpenReadAsync(reference, cancellationToken);
        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes, cancellationToken);
        bytes.Position = 0;
        await using var gzip = new GZipStream(bytes, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        await gzip.CopyToAsync(raw, cancellationToken);
        return Nifti.Read(raw.ToArray(), reference.Key);
    }
}
