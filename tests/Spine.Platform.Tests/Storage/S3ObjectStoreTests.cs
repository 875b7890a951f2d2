using Microsoft.Extensions.Options;
using Minio;
using Minio.DataModel.Args;
using Spine.Platform.Storage;
using Spine.Testing;

namespace Spine.Platform.Tests.Storage;

/// <summary>The object store contract against a real S3 API server.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class S3ObjectStoreTests : ObjectStoreContract, IClassFixture<S3Endpoint>, IAsyncLifetime, IDisposable
{
    private readonly S3Endpoint _s3;
    private readonly S3ObjectStore _store;
    private readonly string _bucket;

    public S3ObjectStoreTests(S3Endpoint s3)
    {
        _s3 = s3;
        _bucket = s3.NewBucket("spine-test");
        _store = new S3ObjectStore(Options.Create(new StorageOptions
        {
            Provider = StorageProvider.S3,
            Bucket = _bucket,
            S3 = { Endpoint = s3.Endpoint, AccessKey = s3.AccessKey, SecretKey = s3.SecretKey },
        }));
    }

    protected override IObjectStore Store => _store;

    public Task InitializeAsync() => _store.EnsureReadyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // Another client overwrites the object without the store knowing, keeping the metadata the store wrote.
    protected override async Task DamageAsync(string key, byte[] replacement)
    {
        using var raw = new MinioClient().WithEndpoint(_s3.Endpoint).WithCredentials(_s3.AccessKey, _s3.SecretKey).Build();
        var recorded = await _store.StatAsync(key);
        await raw.PutObjectAsync(new PutObjectArgs()
            .WithBucket(_bucket)
            .WithObject(key)
            .WithStreamData(new MemoryStream(replacement))
            .WithObjectSize(replacement.Length)
            .WithHeaders(new Dictionary<string, string> { ["x-amz-meta-sha256"] = recorded!.Sha256 }));
    }

    protected override async Task<byte[]> ReadPresignedAsync(Uri url)
    {
        using var http = new HttpClient();
        return await http.GetByteArrayAsync(url);
    }

    [Fact]
    public async Task An_object_another_client_wrote_without_a_sha256_is_left_out_of_lists_and_stat_says_it_cannot_be_verified()
    {
        var folder = $"studies/{Guid.NewGuid():n}/instances/";
        var ours = await _store.PutAsync(folder + "a.dcm", new MemoryStream([1, 2, 3]), "application/dicom");
        using var raw = new MinioClient().WithEndpoint(_s3.Endpoint).WithCredentials(_s3.AccessKey, _s3.SecretKey).Build();
        await raw.PutObjectAsync(new PutObjectArgs().WithBucket(_bucket).WithObject(folder + "foreign.dcm").WithStreamData(new MemoryStream([9, 9])).WithObjectSize(2));

        Assert.Equal([ours], await _store.ListAsync(folder));
        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() => _store.StatAsync(folder + "foreign.dcm"));
        Assert.Contains("not written by Spine Platform", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bucket_is_created_at_start_and_reported_ready()
    {
        Assert.True(await _store.IsReadyAsync());
    }

    public void Dispose() => _store.Dispose();
}
