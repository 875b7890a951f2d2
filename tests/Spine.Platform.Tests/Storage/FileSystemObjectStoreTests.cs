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

    [Fact]
    public async Task Temporary_files_a_killed_writer_left_are_swept_by_the_next_process_and_fresh_ones_kept()
    {
        var temporary = Directory.CreateDirectory(Path.Combine(_root, "spine-test", "tmp")).FullName;
        var abandoned = Path.Combine(temporary, "abandoned");
        var fresh = Path.Combine(temporary, "another-writer-now");
        await File.WriteAllBytesAsync(abandoned, new byte[10]);
        await File.WriteAllBytesAsync(fresh, new byte[10]);
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow - FileSystemObjectStore.AbandonedAfter - TimeSpan.FromMinutes(1));
        var restarted = new FileSystemObjectStore(Options.Create(new StorageOptions { Bucket = "spine-test", FileSystem = { Root = _root } }));

        await restarted.PutAsync($"tests/{Guid.NewGuid():n}/x.bin", new MemoryStream([1]), "application/octet-stream");

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task A_write_whose_source_fails_leaves_the_previous_object_and_no_temporary_file()
    {
        var key = $"tests/{Guid.NewGuid():n}/instance.dcm";
        var first = System.Security.Cryptography.RandomNumberGenerator.GetBytes(200_000);
        var stored = await _store.PutAsync(key, new MemoryStream(first), "application/dicom");

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync(key, new FailingStream(100_000), "application/dicom"));

        Assert.Equal(stored, await _store.StatAsync(key));
        await using (var read = await _store.OpenReadAsync(stored))
        using (var copy = new MemoryStream())
        {
            await read.CopyToAsync(copy);
            Assert.Equal(first, copy.ToArray());
        }

        var bucket = Path.Combine(_root, "spine-test");
        Assert.Empty(Directory.GetFiles(Path.Combine(bucket, "tmp")));
        Assert.Equal([Path.Combine(bucket, "meta", key + ".json")], Directory.GetFiles(Path.Combine(bucket, "meta"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_object_whose_metadata_is_damaged_is_left_out_of_lists_and_stat_names_the_damage()
    {
        var folder = $"tests/{Guid.NewGuid():n}/";
        var whole = await _store.PutAsync(folder + "a.dcm", new MemoryStream([1, 2, 3]), "application/dicom");
        await _store.PutAsync(folder + "b.dcm", new MemoryStream([4, 5, 6]), "application/dicom");
        await File.WriteAllTextAsync(Path.Combine(_root, "spine-test", "meta", folder + "b.dcm.json"), "{\"contentType\":");

        Assert.Equal([whole], await _store.ListAsync(folder));
        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() => _store.StatAsync(folder + "b.dcm"));
        Assert.Contains(folder + "b.dcm", error.Message, StringComparison.Ordinal);
        Assert.Contains("metadata file is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replacing_an_object_leaves_only_its_data_and_metadata_files()
    {
        var key = $"tests/{Guid.NewGuid():n}/report.json";
        await _store.PutAsync(key, new MemoryStream([1, 2, 3]), "application/json");
        var second = await _store.PutAsync(key, new MemoryStream([4, 5]), "application/json");

        var bucket = Path.Combine(_root, "spine-test");
        Assert.Equal(2, second.Length);
        Assert.Equal([Path.Combine(bucket, "objects", key)], Directory.GetFiles(Path.Combine(bucket, "objects"), "*", SearchOption.AllDirectories));
        Assert.Equal([Path.Combine(bucket, "meta", key + ".json")], Directory.GetFiles(Path.Combine(bucket, "meta"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(bucket, "tmp")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

/// <summary>A source that gives some bytes and then fails, as a connection cut mid-upload does.</summary>
internal sealed class FailingStream(int bytesBeforeFailure) : Stream
{
    private int _given;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_given >= bytesBeforeFailure)
        {
            throw new IOException("the source failed mid-object.");
        }

        var given = Math.Min(count, bytesBeforeFailure - _given);
        Array.Fill(buffer, (byte)7, offset, given);
        _given += given;
        return given;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
