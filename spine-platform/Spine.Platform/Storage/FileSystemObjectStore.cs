using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;
using Spine.Contracts.V1;

namespace Spine.Platform.Storage;

/// <summary>
/// Objects as files, for the embedded mode: <c>ROOT/BUCKET/objects/KEY</c>, with content type and SHA-256 beside it in
/// <c>ROOT/BUCKET/meta/KEY.json</c>. Writes go to a temporary file first and are moved into place, so a reader never
/// sees half an object; files and folders are fsynced before a write returns, so a stored object survives a power cut.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private readonly string _bucketRoot;
    private readonly bool _createBucket;
    private int _swept;

    /// <summary>A temporary file this old was left by a process killed mid-write: nothing will move it into place.</summary>
    internal static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    public FileSystemObjectStore(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Bucket = options.Value.Bucket;
        _createBucket = options.Value.CreateBucket;
        _bucketRoot = Path.GetFullPath(Path.Combine(options.Value.FileSystem.Root, Bucket));
    }

    public string Bucket { get; }

    public async Task<ObjectRef> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = Prepare(key);
        try
        {
            await using var data = new FileStream(target.Temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            var (length, sha256) = await ContentHashing.CopyAsync(content, data, cancellationToken);
            await data.FlushAsync(cancellationToken);
            OrderBeforeRename(data.SafeFileHandle);
            return await CommitAsync(target, data.SafeFileHandle, length, sha256, contentType);
        }
        finally
        {
            target.DeleteTemporaryFiles();
        }
    }

    public async Task<ObjectRef> PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        var target = Prepare(key);
        try
        {
            using var data = File.OpenHandle(target.Temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            RandomAccess.Write(data, content.Span, 0);

            // The disk takes the data while it is hashed.
            var writtenBack = Task.Run(() => OrderBeforeRename(data), CancellationToken.None);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
            await writtenBack;
            return await CommitAsync(target, data, content.Length, sha256, contentType);
        }
        finally
        {
            target.DeleteTemporaryFiles();
        }
    }

    /// <summary>
    /// The written data file and its metadata file are moved into place and made durable. Both files' data reach the
    /// disk before their new names can (a power cut then leaves the old object, nothing, or the whole new one, never a
    /// name over unwritten data); then one journal commit takes both files and both folders when their fsyncs run
    /// together (in a row, each waited for a commit of its own).
    /// </summary>
    private async Task<ObjectRef> CommitAsync(PendingObject target, SafeFileHandle data, long length, string sha256, string contentType)
    {
        using var meta = File.OpenHandle(target.MetaTemporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        RandomAccess.Write(meta, JsonSerializer.SerializeToUtf8Bytes(new StoredObjectMeta(contentType, length, sha256), FileSystemStoreJsonContext.Default.StoredObjectMeta), 0);
        OrderBeforeRename(meta);
        File.Move(target.MetaTemporary, target.MetaPath, overwrite: true);
        File.Move(target.Temporary, target.DataPath, overwrite: true);
        await Task.WhenAll(
            Task.Run(() => RandomAccess.FlushToDisk(data), CancellationToken.None),
            Task.Run(() => RandomAccess.FlushToDisk(meta), CancellationToken.None),
            Task.Run(() => Durability.SyncDirectory(Path.GetDirectoryName(target.DataPath)!), CancellationToken.None),
            Task.Run(() => Durability.SyncDirectory(Path.GetDirectoryName(target.MetaPath)!), CancellationToken.None));
        return new ObjectRef { Bucket = Bucket, Key = target.Key, ContentType = contentType, Length = length, Sha256 = sha256 };
    }

    /// <summary>Deletes, once per process, the temporary files that writes cut by a kill left behind.</summary>
    private static void SweepAbandoned(string temporaryFolder)
    {
        var before = DateTime.UtcNow - AbandonedAfter;
        foreach (var file in new DirectoryInfo(temporaryFolder).EnumerateFiles().Where(f => f.LastWriteTimeUtc < before))
        {
            try
            {
                file.Delete();
            }
            catch (IOException)
            {
                // Another process's sweep took it first.
            }
        }
    }

    /// <summary>Where an object will be written: its folders exist (durably), its temporary files do not yet.</summary>
    private PendingObject Prepare(string key)
    {
        var (dataPath, metaPath) = PathsOf(key);
        var temporaryFolder = Path.Combine(_bucketRoot, "tmp");
        Directory.CreateDirectory(temporaryFolder);
        if (Interlocked.Exchange(ref _swept, 1) == 0)
        {
            SweepAbandoned(temporaryFolder);
        }

        CreateFolderDurably(Path.GetDirectoryName(dataPath)!);
        CreateFolderDurably(Path.GetDirectoryName(metaPath)!);
        return new PendingObject(key, dataPath, metaPath, Path.Combine(temporaryFolder, Guid.NewGuid().ToString("n")), metaPath + "." + Guid.NewGuid().ToString("n") + ".tmp");
    }

    private sealed record PendingObject(string Key, string DataPath, string MetaPath, string Temporary, string MetaTemporary)
    {
        /// <summary>Whatever was not moved into place (nothing, after a commit).</summary>
        public void DeleteTemporaryFiles()
        {
            File.Delete(Temporary);
            File.Delete(MetaTemporary);
        }
    }

    public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var (dataPath, _) = PathsOf(reference.Key, reference.Bucket);
        try
        {
            var file = new FileStream(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream>(new VerifyingReadStream(file, reference));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException($"Object {reference.Bucket}/{reference.Key} does not exist.", ex);
        }
    }

    public async Task<ObjectRef?> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        var (dataPath, metaPath) = PathsOf(key);
        if (!File.Exists(dataPath) || !File.Exists(metaPath))
        {
            return null;
        }

        await using var meta = File.OpenRead(metaPath);
        StoredObjectMeta? stored;
        try
        {
            stored = await JsonSerializer.DeserializeAsync(meta, FileSystemStoreJsonContext.Default.StoredObjectMeta, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new ObjectIntegrityException($"Object {Bucket}/{key}: its metadata file is damaged ({ex.Message}).", ex);
        }

        return stored is { ContentType: not null, Sha256: not null }
            ? new ObjectRef { Bucket = Bucket, Key = key, ContentType = stored.ContentType, Length = stored.Length, Sha256 = stored.Sha256 }
            : throw new ObjectIntegrityException($"Object {Bucket}/{key}: its metadata file lacks the content type or SHA-256.");
    }

    public async Task<IReadOnlyList<ObjectRef>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);
        var objects = Path.Combine(_bucketRoot, "objects");
        var folder = Path.Combine(objects, prefix);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var listed = new List<ObjectRef>();
        foreach (var key in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(objects, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal))
        {
            // An object is whole once its data file is in place (its metadata is written first); one whose metadata
            // is damaged is not whole either, and is left for its reader to find missing rather than failing the list.
            try
            {
                if (await StatAsync(key, cancellationToken) is { } stored)
                {
                    listed.Add(stored);
                }
            }
            catch (ObjectIntegrityException)
            {
            }
        }

        return listed;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var (dataPath, metaPath) = PathsOf(key);
        File.Delete(dataPath);
        File.Delete(metaPath);
        return Task.CompletedTask;
    }

    public Task<Uri> GetPresignedReadUrlAsync(string key, TimeSpan validFor, CancellationToken cancellationToken = default)
    {
        // A local file needs no signature; validity is whatever the file system's permissions allow.
        var (dataPath, _) = PathsOf(key);
        return Task.FromResult(new Uri(dataPath));
    }

    public Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(_bucketRoot))
        {
            if (!_createBucket)
            {
                throw new ObjectStoreException($"Bucket folder {_bucketRoot} does not exist and Spine:Storage:CreateBucket is false.");
            }

            Directory.CreateDirectory(_bucketRoot);
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsReadyAsync(CancellationToken cancellationToken = default) => Task.FromResult(Directory.Exists(_bucketRoot));

    /// <summary>Creates a folder and its missing parents; each new name is synced in the folder that holds it.</summary>
    private static void CreateFolderDurably(string folder)
    {
        var missing = new Stack<string>();
        for (var current = folder; !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        if (missing.Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        foreach (var created in missing)
        {
            Durability.SyncDirectory(Path.GetDirectoryName(created)!);
        }
    }

    private (string Data, string Meta) PathsOf(string key, string? bucket = null)
    {
        ObjectKeys.Validate(key);
        if (bucket is not null && S3BucketNames.Problem(bucket) is { } problem)
        {
            throw new ArgumentException($"Bucket '{bucket}' {problem}.", nameof(bucket));
        }

        var bucketRoot = bucket is null || bucket == Bucket ? _bucketRoot : Path.Combine(Path.GetDirectoryName(_bucketRoot)!, bucket);
        return (Path.Combine(bucketRoot, "objects", key), Path.Combine(bucketRoot, "meta", key + ".json"));
    }

    /// <summary>The file's data on the disk before its new name can be: written back where the system allows that alone, else synced.</summary>
    private static void OrderBeforeRename(SafeFileHandle file)
    {
        if (!Durability.WaitForWriteBack(file))
        {
            RandomAccess.FlushToDisk(file);
        }
    }
}

internal sealed record StoredObjectMeta(string ContentType, long Length, string Sha256);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoredObjectMeta))]
internal sealed partial class FileSystemStoreJsonContext : JsonSerializerContext;
