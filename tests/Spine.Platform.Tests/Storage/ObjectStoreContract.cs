using System.Security.Cryptography;
using Spine.Contracts.V1;
using Spine.Platform.Storage;

namespace Spine.Platform.Tests.Storage;

/// <summary>What every object store must do; run against the filesystem store and against a real S3 API.</summary>
public abstract class ObjectStoreContract
{
    protected abstract IObjectStore Store { get; }

    /// <summary>Changes the stored bytes behind the store's back, as disk or network damage would.</summary>
    protected abstract Task DamageAsync(string key, byte[] replacement);

    /// <summary>Reads the object through the URL that the store presigned.</summary>
    protected abstract Task<byte[]> ReadPresignedAsync(Uri url);

    private static string NewKey() => $"tests/{Guid.NewGuid():n}/payload.bin";

    private static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    private async Task<byte[]> ReadAllAsync(ObjectRef reference)
    {
        await using var stream = await Store.OpenReadAsync(reference);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Put_records_length_and_sha256_and_read_returns_the_same_bytes()
    {
        var bytes = RandomBytes(3 * 1024 * 1024 + 17);
        var key = NewKey();

        var reference = await Store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream");

        Assert.Equal(Store.Bucket, reference.Bucket);
        Assert.Equal(key, reference.Key);
        Assert.Equal(bytes.Length, reference.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), reference.Sha256);
        Assert.Equal(bytes, await ReadAllAsync(reference));
    }

    [Fact]
    public async Task Put_from_memory_stores_the_bytes_as_put_from_a_stream_does()
    {
        var bytes = RandomBytes(2 * 1024 * 1024 + 3);
        var fromStream = await Store.PutAsync(NewKey(), new MemoryStream(bytes), "application/dicom");

        var fromMemory = await Store.PutAsync(NewKey(), bytes.AsMemory(1, bytes.Length - 1), "application/dicom");

        Assert.Equal(bytes.Length - 1, fromMemory.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(1))), fromMemory.Sha256);
        Assert.NotEqual(fromStream.Sha256, fromMemory.Sha256);
        Assert.Equal(bytes[1..], await ReadAllAsync(fromMemory));
        Assert.Equal(fromMemory, await Store.StatAsync(fromMemory.Key));
    }

    [Fact]
    public async Task Put_from_a_stream_that_cannot_seek_stores_it_whole()
    {
        var bytes = RandomBytes(1024 * 1024 + 5);
        var reference = await Store.PutAsync(NewKey(), new ForwardOnlyStream(bytes), "application/octet-stream");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), reference.Sha256);
        Assert.Equal(bytes, await ReadAllAsync(reference));
    }

    [Fact]
    public async Task List_returns_every_object_under_a_folder_in_key_order_and_nothing_beside_it()
    {
        var folder = $"tests/{Guid.NewGuid():n}/";
        var second = await Store.PutAsync(folder + "b/two.bin", new MemoryStream(RandomBytes(10)), "application/octet-stream");
        var first = await Store.PutAsync(folder + "a.bin", new MemoryStream(RandomBytes(20)), "application/octet-stream");
        await Store.PutAsync(folder.TrimEnd('/') + "-beside/c.bin", new MemoryStream(RandomBytes(5)), "application/octet-stream");

        var listed = await Store.ListAsync(folder);

        Assert.Equal([first, second], listed);
        Assert.Empty(await Store.ListAsync($"tests/{Guid.NewGuid():n}/"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListAsync("tests"));
    }

    [Fact]
    public async Task Stat_returns_what_put_returned_and_null_for_a_missing_key()
    {
        var key = NewKey();
        var reference = await Store.PutAsync(key, new MemoryStream(RandomBytes(1000)), "image/png");

        Assert.Equal(reference, await Store.StatAsync(key));
        Assert.Null(await Store.StatAsync(NewKey()));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_tolerates_a_missing_one()
    {
        var key = NewKey();
        await Store.PutAsync(key, new MemoryStream(RandomBytes(10)), "application/octet-stream");

        await Store.DeleteAsync(key);
        await Store.DeleteAsync(key);

        Assert.Null(await Store.StatAsync(key));
    }

    [Fact]
    public async Task Reading_a_damaged_object_fails_with_an_integrity_error_naming_the_object()
    {
        var key = NewKey();
        var original = RandomBytes(64 * 1024);
        var reference = await Store.PutAsync(key, new MemoryStream(original), "application/octet-stream");
        var damaged = (byte[])original.Clone();
        damaged[1234] ^= 0xFF;
        await DamageAsync(key, damaged);

        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() => ReadAllAsync(reference));

        Assert.Contains($"{reference.Bucket}/{key}", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_with_a_reference_of_another_length_fails_with_an_integrity_error()
    {
        var key = NewKey();
        var reference = await Store.PutAsync(key, new MemoryStream(RandomBytes(5000)), "application/octet-stream");

        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() => ReadAllAsync(reference with { Length = 4000 }));

        Assert.Contains("4000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_a_missing_object_fails_with_not_found()
    {
        var missing = new ObjectRef { Bucket = Store.Bucket, Key = NewKey(), ContentType = "x/y", Length = 1, Sha256 = new string('0', 64) };

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => ReadAllAsync(missing));
    }

    [Fact]
    public async Task Presigned_url_reads_the_object()
    {
        var key = NewKey();
        var bytes = RandomBytes(20_000);
        await Store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream");

        var url = await Store.GetPresignedReadUrlAsync(key, TimeSpan.FromMinutes(5));

        Assert.Equal(bytes, await ReadPresignedAsync(url));
    }

    [Fact]
    public async Task Invalid_key_is_refused_before_anything_is_written()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("../escape", new MemoryStream([1]), "x/y"));

        Assert.Contains("'../escape'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A stream that only reads forwards, like a network body.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7000));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
