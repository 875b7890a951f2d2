namespace Spine.Dicom.Network;

/// <summary>What arrives on an established association.</summary>
public abstract record UpperLayerEvent;

/// <summary>A whole DIMSE message: its command and, when it has one, its data set as sent (in the context's transfer syntax).</summary>
public sealed record MessageReceived(byte ContextId, DimseCommand Command, byte[]? DataSet) : UpperLayerEvent;

public sealed record ReleaseRequested : UpperLayerEvent;

public sealed record ReleaseConfirmed : UpperLayerEvent;

public sealed record AbortReceived(Abort Abort) : UpperLayerEvent;

public sealed record ConnectionClosed : UpperLayerEvent;

/// <summary>
/// DIMSE messages over an established association: PDVs reassembled into commands and data sets (checking that each
/// fragment belongs to an accepted context and the message it continues), and messages fragmented into P-DATA-TF PDUs
/// no longer than the peer's maximum, each written in one call so that no PDU waits on Nagle's algorithm. Reads go
/// through a buffer, writes straight to the connection: a peer may send its next PDU before our answer, and a
/// BufferedStream cannot write while it holds unread bytes of a stream that cannot seek.
/// </summary>
public sealed class DimseChannel(Stream connection, uint ourMaxPduLength, uint peerMaxPduLength, IReadOnlySet<byte> acceptedContexts)
{
    private readonly BufferedStream _input = new(connection, 64 * 1024);
    private const int UnlimitedFragment = 1 << 20;
    private readonly Queue<Pdv> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>The next event; an idle association is a <see cref="TimeoutException"/>.</summary>
    public async Task<UpperLayerEvent> ReceiveAsync(TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var command = new MemoryStream();
        using var data = new MemoryStream();
        DimseCommand? header = null;
        byte? context = null;
        while (true)
        {
            if (_pending.Count == 0)
            {
                var next = await ReadWithinAsync(idleTimeout, cancellationToken);
                switch (next)
                {
                    case null:
                        return new ConnectionClosed();
                    case ({ } type, _) when type == PduType.ReleaseRequest:
                        return new ReleaseRequested();
                    case ({ } type, _) when type == PduType.ReleaseResponse:
                        return new ReleaseConfirmed();
                    case ({ } type, var body) when type == PduType.Abort:
                        return new AbortReceived(PduCodec.ParseAbort(body));
                    case ({ } type, var body) when type == PduType.Data:
                        foreach (var pdv in PduCodec.ParseData(body))
                        {
                            _pending.Enqueue(pdv);
                        }

                        continue;
                    case ({ } type, _):
                        throw new DicomNetworkException($"unexpected {type} PDU on an established association.", abortReason: 2);
                }
            }

            var fragment = _pending.Dequeue();
            if (!acceptedContexts.Contains(fragment.ContextId))
            {
                throw new DicomNetworkException($"PDV on presentation context {fragment.ContextId}, which was not accepted.", abortReason: 6);
            }

            if (context is { } current && current != fragment.ContextId)
            {
                throw new DicomNetworkException($"PDV on presentation context {fragment.ContextId} inside a message on context {current}.", abortReason: 6);
            }

            context = fragment.ContextId;
            if (fragment.IsCommand)
            {
                if (header is not null)
                {
                    throw new DicomNetworkException("command fragment inside a data set.", abortReason: 6);
                }

                command.Write(fragment.Data.Span);
                if (!fragment.IsLast)
                {
                    continue;
                }

                header = DimseCommand.Parse(command.GetBuffer().AsSpan(0, (int)command.Length));
                if (!header.HasDataSet)
                {
                    return new MessageReceived(fragment.ContextId, header, null);
                }
            }
            else
            {
                if (header is null)
                {
                    throw new DicomNetworkException("data set fragment before its command.", abortReason: 6);
                }

                data.Write(fragment.Data.Span);
                if (fragment.IsLast)
                {
                    return new MessageReceived(fragment.ContextId, header, data.ToArray());
                }
            }
        }
    }

    public async Task SendAsync(byte contextId, DimseCommand command, ReadOnlyMemory<byte>? dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var fragment = peerMaxPduLength == 0 ? UnlimitedFragment : (int)Math.Max(peerMaxPduLength, 256) - 6;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await WriteFragmentsAsync(contextId, isCommand: true, command.Encode(), fragment, cancellationToken);
            if (dataSet is { } body)
            {
                await WriteFragmentsAsync(contextId, isCommand: false, body, fragment, cancellationToken);
            }

            await connection.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task WriteAsync(byte[] pdu, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await connection.WriteAsync(pdu, cancellationToken);
            await connection.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task WriteFragmentsAsync(byte contextId, bool isCommand, ReadOnlyMemory<byte> content, int fragment, CancellationToken cancellationToken)
    {
        var offset = 0;
        do
        {
            var length = Math.Min(fragment, content.Length - offset);
            var last = offset + length == content.Length;
            await connection.WriteAsync(PduCodec.EncodeData(contextId, isCommand, last, content.Span.Slice(offset, length)), cancellationToken);
            offset += length;
        }
        while (offset < content.Length);
    }

    private async Task<(PduType Type, byte[] Body)?> ReadWithinAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(within);
        try
        {
            // The peer may send PDUs up to the length we announced; the 6-byte PDU header is not part of it.
            return await PduCodec.ReadAsync(_input, ourMaxPduLength == 0 ? uint.MaxValue : ourMaxPduLength, idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no PDU within {within.TotalSeconds:0} s.");
        }
    }
}
