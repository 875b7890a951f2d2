using System.Collections.Concurrent;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Minio;
using Minio.DataModel.Args;

namespace Spine.Testing;

/// <summary>
/// A real S3 API: the s3rver that the test script started (<c>SPINE_TEST_S3_ENDPOINT</c>), or a MinIO container when
/// a Docker daemon answers. Buckets it named are emptied and removed when the fixture ends.
/// </summary>
public sealed class S3Endpoint : IAsyncLifetime
{
    private const string Image = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
    private readonly ConcurrentBag<string> _buckets = [];
    private IContainer? _container;

    /// <summary>A bucket name of the test's own (<paramref name="owner"/> then random); the bucket goes when the fixture ends.</summary>
    public string NewBucket(string owner)
    {
        var bucket = $"{owner}-{Guid.NewGuid().ToString("n")[..12]}";
        _buckets.Add(bucket);
        return bucket;
    }

    /// <summary>host:port, without scheme.</summary>
    public string Endpoint { get; private set; } = null!;

    public string AccessKey { get; private set; } = null!;

    public string SecretKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("SPINE_TEST_S3_ENDPOINT");
        if (!string.IsNullOrEmpty(configured))
        {
            Endpoint = configured;
            AccessKey = Environment.GetEnvironmentVariable("SPINE_TEST_S3_ACCESS_KEY") ?? "S3RVER";
            SecretKey = Environment.GetEnvironmentVariable("SPINE_TEST_S3_SECRET_KEY") ?? "S3RVER";
            return;
        }

        if (!DockerDaemon.IsAvailable)
        {
            throw new TestServiceUnavailableException("An S3 API server", "SPINE_TEST_S3_ENDPOINT");
        }

        AccessKey = "spine-test";
        SecretKey = "spine-test-secret";
        _container = new ContainerBuilder(Image)
            .WithCommand("server", "/data")
            .WithEnvironment("MINIO_ROOT_USER", AccessKey)
            .WithEnvironment("MINIO_ROOT_PASSWORD", SecretKey)
            .WithPortBinding(9000, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPath("/minio/health/live").ForPort(9000)))
            .Build();
        await _container.StartAsync();
        Endpoint = $"{_container.Hostname}:{_container.GetMappedPublicPort(9000)}";
    }

    public async Task DisposeAsync()
    {
        if (!_buckets.IsEmpty)
        {
            using var client = new MinioClient().WithEndpoint(Endpoint).WithCredentials(AccessKey, SecretKey).Build();
            foreach (var bucket in _buckets)
            {
                if (!await client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)))
                {
                    continue;
                }

                var keys = new List<string>();
                await foreach (var item in client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithRecursive(true)))
                {
                    keys.Add(item.Key);
                }

                foreach (var key in keys)
                {
                    await client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject(key));
                }

                await client.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(bucket));
            }
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
