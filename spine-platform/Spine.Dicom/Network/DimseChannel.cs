using System.Buffers;

namespace Spine.Dicom.Network;

/// <summary>What arrives on an established association.</summary>
public abstract record UpperLayerEvent;

/// <summary>
/// A whole DIMSE message: its command and, when it has one, its data set as sent (in the context's transfer syntax).
/// The data set lies in the channel's reusable buffer: it is valid until the channel's next receive.
/// </summary>
public sealed record MessageReceived(byte ContextId, DimseCommand Command, ReadOnlyMemory<byte>? DataSet) : UpperLayerEvent;

public sealed record ReleaseRequested : UpperLayerEvent;

public sealed record ReleaseConfirmed : UpperLayerEvent;

public sealed record AbortReceived(Abort Abort) : UpperLayerEvent;

public sealed record ConnectionClosed : UpperLayerEvent;

/// <summary>
/// DIMSE messages over an established association: PDVs reassembled into commands and data sets (checking that each
/// fragment belongs to an accepted context and the message it continues), and messages fragmented into P-DATA-TF PDUs
/// no longer than the peer's maximum, each written in one call so that no PDU waits on Nagle's algorithm. Reads go
/// through a buffer, writes straight to the connection: a peer may send its next PDU before our answer, and a
/// BufferedStream cannot write while it holds unread bytes of a stream that cannot seek. PDU bodies and the data set
/// being assembled live in arrays rented from the shared pool (returned on dispose), so a stream of large instances
/// does not allocate a large-object-heap array per PDU and per instance.
/// </summary>
/// <param name="acceptedContexts">The accepted presentation contexts: id to transfer syntax UID.</param>
/// <param name="maxDataSetLength">The longest data set a peer may send; a longer one ends the association (the caller
/// answers A-ABORT) before it can hold the memory, so a sender that never sends the last fragment cannot grow the process.
/// An element that declares a value reaching beyond it ends the association as soon as its header arrives.</param>
public sealed class DimseChannel(Stream connection, uint ourMaxPduLength, uint peerMaxPduLength, IReadOnlyDictionary<byte, string> acceptedContexts, long maxDataSetLength = DimseChannel.DefaultMaxDataSetLength) : IDisposable
{
    /// <summary>512 MiB: beyond any single lumbar MR instance, including enhanced multi-frame ones.</summary>
    public const long DefaultMaxDataSetLength = 512L * 1024 * 1024;

    // Data set buffers up to this size come from the shared pool; larger ones are plain arrays the GC takes back when
    // the association ends (the shared pool keeps arrays up to 1 GiB, so an aborted 1 GB data set would stay resident).
    private const int PooledDataSetLimit = 16 * 1024 * 1024;

    private readonly BufferedStream _input = new(connection, 64 * 1024);
    private const int UnlimitedFragment = 1 << 20;
    private readonly Queue<Pdv> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // The PDU whose PDVs are in _pending (they point into it), and the data set of the message being assembled.
    private byte[]? _pdu;
    private byte[] _dataSet = [];
    private int _dataSetLength;
    private DeclaredLengthGuard? _guard;

    /// <summary>The next event; an idle association is a <see cref="TimeoutException"/>.</summary>
    public async Task<UpperLayerEvent> ReceiveAsync(TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var command = new MemoryStream();
        _dataSetLength = 0;
        DimseCommand? header = null;
        byte? context = null;

        // One deadline for the whole message, across its PDUs: a peer that trickles PDUs cannot hold the association.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        while (true)
        {
            if (_pending.Count == 0)
            {
                ReturnPdu();
                if (await ReadWithinAsync(idleTimeout, idle.Token, cancellationToken) is not { } next)
                {
                    return new ConnectionClosed();
                }

                if (next.Type == PduType.Data)
                {
                    _pdu = next.Buffer;
                    foreach (var pdv in PduCodec.ParseData(next.Body))
                    {
                        _pending.Enqueue(pdv);
                    }

                    continue;
                }

                try
                {
                    return next.Type switch
                    {
                        PduType.ReleaseRequest => new ReleaseRequested(),
                        PduType.ReleaseResponse => new ReleaseConfirmed(),
                        PduType.Abort => new AbortReceived(PduCodec.ParseAbort(next.Body.Span)),
                        _ => throw new DicomNetworkException($"unexpected {next.Type} PDU on an established association.", abortReason: 2),
                    };
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(next.Buffer);
                }
            }

            var fragment = _pending.Dequeue();
            if (!acceptedContexts.ContainsKey(fragment.ContextId))
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

                _guard = DeclaredLengthGuard.For(DicomTransferSyntax.FromUid(acceptedContexts[fragment.ContextId]), Math.Min(maxDataSetLength, Array.MaxLength));
            }
            else
            {
                if (header is null)
                {
                    throw new DicomNetworkException("data set fragment before its command.", abortReason: 6);
                }

                AppendToDataSet(fragment.Data.Span);
                if (fragment.IsLast)
                {
                    return new MessageReceived(fragment.ContextId, header, _dataSet.AsMemory(0, _dataSetLength));
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

    public void Dispose()
    {
        _pending.Clear();
        ReturnPdu();
        ReturnDataSet();
        _writeLock.Dispose();
    }

    private void ReturnDataSet()
    {
        if (_dataSet.Length is > 0 and <= PooledDataSetLimit)
        {
            ArrayPool<byte>.Shared.Return(_dataSet);
        }

        _dataSet = [];
    }

    private void ReturnPdu()
    {
        if (_pdu is { } pdu)
        {
            _pdu = null;
            ArrayPool<byte>.Shared.Return(pdu);
        }
    }

    private void AppendToDataSet(ReadOnlySpan<byte> fragment)
    {
        var needed = (long)_dataSetLength + fragment.Length;
        var limit = Math.Min(maxDataSetLength, Array.MaxLength);
        if (needed > limit)
        {
            throw new DicomNetworkException($"data set longer than the {limit} bytes allowed (refused after {_dataSetLength} bytes).", abortReason: 0);
        }

        if (needed > _dataSet.Length)
        {
            var size = (int)Math.Min(limit, Math.Max(needed, Math.Max(64 * 1024, 2L * _dataSet.Length)));
            var larger = size <= PooledDataSetLimit ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
            _dataSet.AsSpan(0, _dataSetLength).CopyTo(larger);
            ReturnDataSet();
            _dataSet = larger;
        }

        fragment.CopyTo(_dataSet.AsSpan(_dataSetLength));
        _dataSetLength += fragment.Length;
        _guard?.Check(_dataSet.AsSpan(0, _dataSetLength));
    }

    private async Task<PooledPdu?> ReadWithinAsync(TimeSpan within, CancellationToken idle, CancellationToken cancellationToken)
    {
        try
        {
            // The peer may send PDUs up to the length we announced; the 6-byte PDU header is not part of it.
            return await PduCodec.ReadPooledAsync(_input, ourMaxPduLength == 0 ? uint.MaxValue : ourMaxPduLength, idle);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no complete message within {within.TotalSeconds:0.##} s.");
        }
    }
}
