using Microsoft.Extensions.Options;
using Spine.Platform.Storage;

namespace Spine.Platform.Tests.Storage;

public sealed class FileSystemObjectStoreTests : ObjectStoreContract, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "spine-store-" + Guid.NewGuid().ToString("n"));
    private readonly FileSystemObjectStore _store;

    public FileSystemObjectStoreTests()
    {
        _store = new FileSystemObjectStore(Options.Create(new StorageOptions { Bucket = "spine-test", FileSystem = { Root = _root } }));
        _store.EnsureReadyAsync().GetAwaiter().GetResult();
    }

    protected override IObjectStore Store => _store;

    protected override Task DamageAsync(string key, byte[] replacement) =>
        File.WriteAllBytesAsync(Path.Combine(_root, "spine-test", "objects", key), replacement);

    protected override Task<byte[]> ReadPresignedAsync(Uri url) => File.ReadAllBytesAsync(url.LocalPath);

    [Fact]
    public async Task Objects_of_another_bucket_cannot_be_reached_through_a_crafted_bucket_name()
    {
        var crafted = new Contracts.V1.ObjectRef { Bucket = "..", Key = "etc/passwd", ContentType = "x/y", Length = 1, Sha256 = new string('0', 64) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync(crafted));

        Assert.Contains("Bucket '..'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
