using Spine.Contracts.V1;

namespace Spine.Platform.Storage;

/// <summary>
/// Object storage for volumes, label maps, images and reports. Every write records the content's SHA-256 and every
/// read verifies it, so a message's <see cref="ObjectRef"/> is a promise the reader can check.
/// </summary>
public interface IObjectStore
{
    /// <summary>The bucket that writes go to.</summary>
    string Bucket { get; }

    /// <summary>Stores the rest of <paramref name="content"/> under <paramref name="key"/>, replacing what was there.</summary>
    Task<ObjectRef> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Stores bytes already in memory under <paramref name="key"/>, replacing what was there (no copy through a stream).</summary>
    Task<ObjectRef> PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the object for reading. The stream throws <see cref="ObjectIntegrityException"/> when its end is reached and
    /// the bytes read do not have the length and SHA-256 of <paramref name="reference"/>.
    /// </summary>
    Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default);

    /// <summary>What is stored under the key, or null when nothing is.</summary>
    Task<ObjectRef?> StatAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every object under a folder-like prefix (ending in '/'), in key order; used to recover interrupted work.</summary>
    Task<IReadOnlyList<ObjectRef>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Removes the object; removing a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>A URL that reads the object without credentials until it expires (a file URL for the filesystem store).</summary>
    Task<Uri> GetPresignedReadUrlAsync(string key, TimeSpan validFor, CancellationToken cancellationToken = default);

    /// <summary>Creates the bucket when it is missing and allowed to; throws when the store cannot be used.</summary>
    Task EnsureReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers and its bucket exists; used by /health/ready.</summary>
    Task<bool> IsReadyAsync(CancellationToken cancellationToken = default);
}
