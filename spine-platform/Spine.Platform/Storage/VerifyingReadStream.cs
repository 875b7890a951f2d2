using System.Security.Cryptography;
using Spine.Contracts.V1;

namespace Spine.Platform.Storage;

/// <summary>
/// Passes an object's bytes through while hashing them; at the end of the stream it checks length and SHA-256
/// against the reference and throws <see cref="ObjectIntegrityException"/> when they differ.
/// </summary>
internal sealed class VerifyingReadStream(Stream inner, ObjectRef expected, Action? onDispose = null) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;
    private bool _disposed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => expected.Length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(buffer, inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = await inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span, count);
    }

    private int Account(ReadOnlySpan<byte> buffer, int count)
    {
        if (count > 0)
        {
            _hash.AppendData(buffer[..count]);
            _read += count;
            if (_read > expected.Length)
            {
                throw Mismatch($"is longer than the {expected.Length} bytes recorded");
            }
        }
        else if (buffer.Length > 0 && !_verified)
        {
            _verified = true;
            if (_read != expected.Length)
            {
                throw Mismatch($"has {_read} bytes, {expected.Length} were recorded");
            }

            var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (!string.Equals(actual, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw Mismatch($"has SHA-256 {actual}, {expected.Sha256} was recorded");
            }
        }

        return count;
    }

    private ObjectIntegrityException Mismatch(string what) =>
        new($"Object {expected.Bucket}/{expected.Key} {what}: it changed or was damaged after it was written.");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            onDispose?.Invoke();
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            onDispose?.Invoke();
            await inner.DisposeAsync();
            _hash.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}
