using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;

namespace Spine.Dicom.Network;

/// <summary>The called peer refused the association.</summary>
public sealed class DicomAssociationRejectedException(AssociateReject reject)
    : Exception($"association rejected: {reject}")
{
    public AssociateReject Reject { get; } = reject;
}

/// <summary>
/// A DICOM service class user: opens an association proposing presentation contexts, sends C-ECHO and C-STORE, and
/// releases. Part 10 files are sent as they are stored (data set bytes untouched) when their transfer syntax was
/// accepted; native ones are re-encoded to an accepted little-endian syntax otherwise.
/// </summary>
public sealed class DicomClient : IAsyncDisposable
{
    private static readonly string[] NativeSyntaxes = [DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid];
    private readonly TcpClient _tcp;
    private readonly Stream _network;
    private readonly DimseChannel _channel;
    private readonly TimeSpan _timeout;
    private ushort _messageId;

    private DicomClient(TcpClient tcp, Stream network, AssociateAccept accepted, AssociateRequest request, TimeSpan timeout)
    {
        (_tcp, _network, Accepted, _timeout) = (tcp, network, accepted, timeout);
        Contexts = accepted.Contexts.Where(c => c.Accepted)
            .ToDictionary(c => c.Id, c => (request.Contexts.First(p => p.Id == c.Id).AbstractSyntax, c.TransferSyntax));
        _channel = new DimseChannel(network, request.Header.MaxPduLength, accepted.Header.MaxPduLength, Contexts.ToDictionary(c => c.Key, c => c.Value.TransferSyntax));
    }

    public AssociateAccept Accepted { get; }

    /// <summary>Accepted contexts: id to (abstract syntax, transfer syntax).</summary>
    public IReadOnlyDictionary<byte, (string AbstractSyntax, string TransferSyntax)> Contexts { get; }

    /// <summary>Verification plus, for each SOP class, its files' transfer syntaxes and the two native little-endian ones.</summary>
    public static IReadOnlyList<ProposedContext> ContextsFor(IEnumerable<(string SopClassUid, string TransferSyntaxUid)> instances)
    {
        var contexts = new List<ProposedContext> { new(1, DimseCommand.VerificationSopClass, [DicomTransferSyntax.ImplicitVRLittleEndian.Uid]) };
        foreach (var group in (instances ?? []).GroupBy(i => i.SopClassUid, StringComparer.Ordinal))
        {
            var syntaxes = group.Select(i => i.TransferSyntaxUid).Concat(NativeSyntaxes).Distinct(StringComparer.Ordinal).ToList();
            contexts.Add(new ProposedContext((byte)((contexts.Count * 2) + 1), group.Key, syntaxes));
        }

        return contexts.Count > 128 ? throw new ArgumentException("more than 127 SOP classes in one association.", nameof(instances)) : contexts;
    }

    /// <param name="tls">When set, the connection is TLS with these options (target host, trusted certificates) before the association starts.</param>
    public static async Task<DicomClient> ConnectAsync(string host, int port, string callingAeTitle, string calledAeTitle, IReadOnlyList<ProposedContext> contexts, TimeSpan? timeout = null, SslClientAuthenticationOptions? tls = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, cancellationToken);
            Stream network = tcp.GetStream();
            if (tls is not null)
            {
                var secure = new SslStream(network, leaveInnerStreamOpen: false);
                await secure.AuthenticateAsClientAsync(tls, cancellationToken);
                network = secure;
            }

            var request = new AssociateRequest(new AssociationHeader(calledAeTitle, callingAeTitle, 256 * 1024, DicomUid.ImplementationClassUid, DicomUid.ImplementationVersionName), contexts);
            await network.WriteAsync(PduCodec.Encode(request), cancellationToken);
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            within.CancelAfter(limit);
            var answer = await PduCodec.ReadAsync(network, 1 << 20, within.Token)
                ?? throw new DicomNetworkException("the peer closed the connection instead of answering the A-ASSOCIATE-RQ.");
            return answer.Type switch
            {
                PduType.AssociateAccept => new DicomClient(tcp, network, PduCodec.ParseAssociateAccept(answer.Body), request, limit),
                PduType.AssociateReject => throw new DicomAssociationRejectedException(PduCodec.ParseAssociateReject(answer.Body)),
                _ => throw new DicomNetworkException($"{answer.Type} PDU in answer to the A-ASSOCIATE-RQ.", abortReason: 2),
            };
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task<ushort> EchoAsync(CancellationToken cancellationToken = default)
    {
        var context = Contexts.First(c => c.Value.AbstractSyntax == DimseCommand.VerificationSopClass).Key;
        var request = new DimseCommand { CommandField = DimseCommand.CEchoRequest, AffectedSopClassUid = DimseCommand.VerificationSopClass, MessageId = ++_messageId };
        return await ExchangeAsync(context, request, null, cancellationToken);
    }

    /// <summary>Sends one Part 10 file; returns the peer's DIMSE status.</summary>
    public async Task<ushort> StoreAsync(byte[] part10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(part10);
        var file = DicomFile.Read(part10);
        var sopClass = file.FileMetaInformation.GetString(DicomTags.MediaStorageSopClassUid) ?? file.Dataset.GetString(DicomTags.SopClassUid)
            ?? throw new ArgumentException("the file names no SOP class.", nameof(part10));
        var sopInstance = file.FileMetaInformation.GetString(DicomTags.MediaStorageSopInstanceUid) ?? file.Dataset.GetString(DicomTags.SopInstanceUid)
            ?? throw new ArgumentException("the file names no SOP instance.", nameof(part10));
        var candidates = Contexts.Where(c => c.Value.AbstractSyntax == sopClass).ToList();
        ReadOnlyMemory<byte> dataSet;
        byte context;
        if (candidates.FirstOrDefault(c => c.Value.TransferSyntax == file.TransferSyntax.Uid) is { Value.AbstractSyntax: not null } same)
        {
            (context, dataSet) = (same.Key, part10.AsMemory(DataSetOffset(part10)));
        }
        else if (!file.TransferSyntax.Encapsulated && candidates.FirstOrDefault(c => NativeSyntaxes.Contains(c.Value.TransferSyntax)) is { Value.AbstractSyntax: not null } native)
        {
            var reencoded = DicomWriter.ToBytes(file.Dataset, DicomTransferSyntax.FromUid(native.Value.TransferSyntax));
            (context, dataSet) = (native.Key, reencoded.AsMemory(DataSetOffset(reencoded)));
        }
        else
        {
            throw new InvalidOperationException($"the peer accepted no presentation context for SOP class {sopClass} in {file.TransferSyntax}.");
        }

        var request = new DimseCommand
        {
            CommandField = DimseCommand.CStoreRequest,
            AffectedSopClassUid = sopClass,
            MessageId = ++_messageId,
            Priority = 0,
            HasDataSet = true,
            AffectedSopInstanceUid = sopInstance,
        };
        return await ExchangeAsync(context, request, dataSet, cancellationToken);
    }

    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _channel.WriteAsync(PduCodec.ReleaseRequest(), cancellationToken);
        if (await _channel.ReceiveAsync(_timeout, cancellationToken) is not ReleaseConfirmed)
        {
            throw new DicomNetworkException("the peer did not answer A-RELEASE-RQ with A-RELEASE-RP.");
        }
    }

    /// <summary>Where the data set begins in a Part 10 file: after the preamble, "DICM" and the file meta group (its group length says how long).</summary>
    public static int DataSetOffset(ReadOnlySpan<byte> part10)
    {
        const int metaStart = 132;
        if (part10.Length < metaStart + 12 || !part10.Slice(128, 4).SequenceEqual("DICM"u8)
            || BinaryPrimitives.ReadUInt16LittleEndian(part10[metaStart..]) != 0x0002 || BinaryPrimitives.ReadUInt16LittleEndian(part10[(metaStart + 2)..]) != 0x0000)
        {
            throw new DicomFormatException(null, metaStart, DicomTags.FileMetaInformationGroupLength, "a Part 10 file with a file meta group length (0002,0000) is needed to send its data set unchanged");
        }

        return metaStart + 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(part10[(metaStart + 8)..]);
    }

    private async Task<ushort> ExchangeAsync(byte context, DimseCommand request, ReadOnlyMemory<byte>? dataSet, CancellationToken cancellationToken)
    {
        await _channel.SendAsync(context, request, dataSet, cancellationToken);
        return await _channel.ReceiveAsync(_timeout, cancellationToken) switch
        {
            MessageReceived { Command: var response } when response.MessageIdBeingRespondedTo == request.MessageId => response.Status ?? DimseStatus.CannotUnderstand,
            AbortReceived abort => throw new DicomNetworkException($"the peer aborted the association (source {abort.Abort.Source}, reason {abort.Abort.Reason})."),
            var other => throw new DicomNetworkException($"unexpected {other.GetType().Name} while waiting for the response to message {request.MessageId}."),
        };
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _network.DisposeAsync();
        _tcp.Dispose();
    }
}
