using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Spine.Contracts.V1;

namespace Spine.Platform.Storage;

/// <summary>
/// Objects in an S3 API (MinIO) through the Minio SDK. The SHA-256 travels as user metadata
/// (<c>x-amz-meta-sha256</c>), so that <see cref="StatAsync"/> can return a complete <see cref="ObjectRef"/>.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private const string Sha256Metadata = "sha256";
    private readonly IMinioClient _client;
    private readonly bool _createBucket;

    public S3ObjectStore(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Bucket = settings.Bucket;
        _createBucket = settings.CreateBucket;
        var client = new MinioClient()
            .WithEndpoint(settings.S3.Endpoint)
            .WithCredentials(settings.S3.AccessKey, settings.S3.SecretKey)
            .WithSSL(settings.S3.UseSsl);
        if (!string.IsNullOrEmpty(settings.S3.Region))
        {
            client = client.WithRegion(settings.S3.Region);
        }

        _client = client.Build();
    }

    public string Bucket { get; }

    public async Task<ObjectRef> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ObjectKeys.Validate(key);

        // The hash must be known before the upload starts, because it is sent as metadata with it: a seekable stream
        // is hashed and rewound, anything else is spooled to a temporary file while it is hashed.
        string? spool = null;
        var upload = content;
        try
        {
            long length;
            string sha256;
            if (content.CanSeek)
            {
                var start = content.Position;
                (length, sha256) = await ContentHashing.CopyAsync(content, null, cancellationToken);
                content.Position = start;
            }
            else
            {
                spool = Path.Combine(Path.GetTempPath(), "spine-upload-" + Guid.NewGuid().ToString("n"));
                upload = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                (length, sha256) = await ContentHashing.CopyAsync(content, upload, cancellationToken);
                upload.Position = 0;
            }

            await _client.PutObjectAsync(
                new PutObjectArgs()
                    .WithBucket(Bucket)
                    .WithObject(key)
                    .WithStreamData(upload)
                    .WithObjectSize(length)
                    .WithContentType(contentType)
                    .WithHeaders(new Dictionary<string, string> { ["x-amz-meta-" + Sha256Metadata] = sha256 }),
                cancellationToken);
            return new ObjectRef { Bucket = Bucket, Key = key, ContentType = contentType, Length = length, Sha256 = sha256 };
        }
        catch (MinioException ex)
        {
            throw new ObjectStoreException($"Object {Bucket}/{key} could not be written: {ex.Message}", ex);
        }
        finally
        {
            if (spool is not null)
            {
                await upload.DisposeAsync();
            }
        }
    }

    public async Task<ObjectRef> PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        await using var stream = new ReadOnlyMemoryStream(content);
        return await PutAsync(key, stream, contentType, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ObjectKeys.Validate(reference.Key);

        // The SDK hands the body to a callback that must finish before the call returns; a pipe turns that into a
        // stream the caller reads at its own pace, with back-pressure, without holding the object in memory.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = Task.Run(() => DownloadAsync(reference, pipe.Writer, abandon.Token), CancellationToken.None);
        Stream body = new VerifyingReadStream(pipe.Reader.AsStream(), reference, () =>
        {
            abandon.Cancel();
            abandon.Dispose();
        });
        return Task.FromResult(body);
    }

    private async Task DownloadAsync(ObjectRef reference, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectAsync(
                new GetObjectArgs()
                    .WithBucket(reference.Bucket)
                    .WithObject(reference.Key)
                    .WithCallbackStream(async (body, token) =>
                    {
                        using var both = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
                        await body.CopyToAsync(writer, both.Token);
                    }),
                cancellationToken);
            await writer.CompleteAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await writer.CompleteAsync();
        }
#pragma warning disable CA1031 // Whatever went wrong must reach the reader, or its read would wait forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var missing = ex is Minio.Exceptions.ObjectNotFoundException or BucketNotFoundException;
            await writer.CompleteAsync(missing
                ? new ObjectNotFoundException($"Object {reference.Bucket}/{reference.Key} does not exist.", ex)
                : new ObjectStoreException($"Object {reference.Bucket}/{reference.Key} could not be read: {ex.Message}", ex));
        }
    }

    public async Task<IReadOnlyList<ObjectRef>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);
        var keys = new List<string>();
        await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(Bucket).WithPrefix(prefix).WithRecursive(true), cancellationToken))
        {
            if (!item.IsDir)
            {
                keys.Add(item.Key);
            }
        }

        var listed = new List<ObjectRef>(keys.Count);
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            // An object the platform did not write (no SHA-256 to verify it by) is not listed, as the file store leaves
            // out an object whose metadata is damaged: one foreign object does not fail the list (DIMSE recovery reads it).
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

    public async Task<ObjectRef?> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            var stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(key), cancellationToken);
            var sha256 = stat.MetaData
                .Where(pair => pair.Key.EndsWith(Sha256Metadata, StringComparison.OrdinalIgnoreCase))
                .Select(pair => pair.Value)
                .FirstOrDefault()
                ?? throw new ObjectIntegrityException($"Object {Bucket}/{key} has no {Sha256Metadata} metadata: it was not written by Spine Platform and cannot be verified.");
            return new ObjectRef { Bucket = Bucket, Key = key, ContentType = stat.ContentType, Length = stat.Size, Sha256 = sha256 };
        }
        catch (Minio.Exceptions.ObjectNotFoundException)
        {
            return null;
        }
        catch (BucketNotFoundException)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(key), cancellationToken);
    }

    public async Task<Uri> GetPresignedReadUrlAsync(string key, TimeSpan validFor, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        var url = await _client.PresignedGetObjectAsync(
            new PresignedGetObjectArgs().WithBucket(Bucket).WithObject(key).WithExpiry((int)Math.Ceiling(validFor.TotalSeconds)));
        return new Uri(url);
    }

    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), cancellationToken))
        {
            return;
        }

        if (!_createBucket)
        {
            throw new ObjectStoreException($"Bucket {Bucket} does not exist and Spine:Storage:CreateBucket is false.");
        }

        try
        {
            await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket), cancellationToken);
        }
        catch (MinioException)
        {
            // Services starting together race to create the bucket: fine when another one won.
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), cancellationToken))
            {
                throw;
            }
        }
    }

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default) =>
        await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), cancellationToken);

    public void Dispose() => (_client as IDisposable)?.Dispose();
}
