using System.Net.Sockets;

namespace Spine.Dicom.Network;

/// <summary>
/// Reads a socket with Linux's TCP_QUICKACK set before every read, so each segment is acknowledged at once. A sender
/// that leaves Nagle's algorithm on (dcmtk and most PACS by default) holds back the last small segment of every
/// message until the previous one is acknowledged; with the kernel's delayed acknowledgement that costs up to 40 ms
/// per message. The option is not sticky, hence before every read. Elsewhere this is a plain pass-through.
/// </summary>
public sealed class QuickAckStream(Socket socket, Stream inner) : Stream
{
    // Linux's IPPROTO_TCP and TCP_QUICKACK (netinet/tcp.h). Set raw: .NET's SetSocketOption maps only the options it
    // knows and refuses others on Linux, which silently disabled this until it was traced with strace.
    private const int IpProtocolTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly byte[] On = BitConverter.GetBytes(1);
    private bool _supported = OperatingSystem.IsLinux();

    /// <summary>Whether the option is being set: true on Linux unless the kernel refused it.</summary>
    public bool QuickAckActive => _supported;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        QuickAck();
        return inner.Read(buffer, offset, count);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        QuickAck();
        return inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void QuickAck()
    {
        if (!_supported)
        {
            return;
        }

        try
        {
            socket.SetRawSocketOption(IpProtocolTcp, TcpQuickAck, On);
        }
        catch (SocketException)
        {
            _supported = false;
        }
    }
}
