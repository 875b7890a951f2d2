using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Spine.Dicom.Network;

/// <summary>How a storage SCP runs: its AE title, who may call it, how many associations at once, its timers.</summary>
public sealed record DicomServerSettings
{
    public required string AeTitle { get; init; }

    /// <summary>Calling AE titles allowed to associate; empty allows any.</summary>
    public IReadOnlySet<string> AllowedCallingAeTitles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Remote addresses allowed to connect; empty allows any.</summary>
    public IReadOnlySet<IPAddress> AllowedHosts { get; init; } = new HashSet<IPAddress>();

    public int MaxAssociations { get; init; } = 16;

    /// <summary>
    /// Connections that have not yet become associations (TLS handshake, A-ASSOCIATE-RQ awaited). Beyond it the oldest
    /// is closed to make room: a flood of idle connections cannot keep a sender that associates at once from getting in.
    /// </summary>
    public int MaxPendingConnections { get; init; } = 64;

    /// <summary>Maximum P-DATA-TF length announced to peers.</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>The longest data set a peer may send; beyond it the association is aborted and its memory let go.</summary>
    public long MaxDataSetLength { get; init; } = DimseChannel.DefaultMaxDataSetLength;

    /// <summary>ARTIM: how long a new connection may take to send its A-ASSOCIATE-RQ (PS3.8 9.1.5).</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an established association may take to deliver its next complete message (a C-STORE across all its
    /// PDUs, a release) before it is aborted: one byte now and then does not keep it open.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>With a certificate (and its private key), every connection is TLS (PS3.15 annex B, TLS 1.2 or 1.3) before the association starts.</summary>
    public X509Certificate2? Certificate { get; init; }
}

/// <summary>An association the server accepted, as its handler sees it (no patient data).</summary>
public sealed record AssociationInfo(Guid Id, string CallingAeTitle, string CalledAeTitle, IPEndPoint Remote, IReadOnlyDictionary<byte, (string AbstractSyntax, string TransferSyntax)> Contexts);

/// <summary>What a storage SCP does with what it receives.</summary>
public interface IStorageHandler
{
    /// <summary>Whether an abstract syntax is accepted (Verification is always accepted).</summary>
    bool AcceptsAbstractSyntax(string sopClassUid);

    /// <summary>One received instance: the data set exactly as sent, in <paramref name="transferSyntaxUid"/>. Returns the DIMSE status.</summary>
    /// <param name="dataSet">The data set as received; valid only until the returned task completes (the buffer is reused).</param>
    Task<ushort> StoreAsync(AssociationInfo association, DimseCommand request, string transferSyntaxUid, ReadOnlyMemory<byte> dataSet, CancellationToken cancellationToken);

    /// <summary>The association ended: released (true) or aborted, timed out, cut (false).</summary>
    Task AssociationEndedAsync(AssociationInfo association, bool released);

    /// <summary>A connection refused or an association rejected or aborted, for the log (AE titles and addresses only).</summary>
    void Refused(string calling, IPEndPoint remote, string reason);
}

/// <summary>
/// A DICOM storage service class provider over TCP: accepts associations (called AE title, calling AE allow-list,
/// optional host allow-list, a limit on concurrent associations answered with a transient rejection), negotiates
/// presentation contexts (the first proposed transfer syntax it knows, so instances are stored as sent), answers
/// C-ECHO and C-STORE, releases and aborts. A malformed or unexpected PDU aborts that association only.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private static readonly HashSet<string> KnownTransferSyntaxes = DicomTransferSyntax.All.Select(t => t.Uid).ToHashSet(StringComparer.Ordinal);
    private readonly DicomServerSettings _settings;
    private readonly IStorageHandler _handler;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _associations = [];
    private readonly SemaphoreSlim _slots;
    private readonly LinkedList<Socket> _pending = new();
    private Task? _accepting;

    public DicomServer(DicomServerSettings settings, IStorageHandler handler, IPEndPoint endpoint)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _listener = new TcpListener(endpoint);
        _slots = new SemaphoreSlim(settings.MaxAssociations, settings.MaxAssociations);
    }

    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Connections open that are not yet associations (at most <see cref="DicomServerSettings.MaxPendingConnections"/>).</summary>
    public int PendingConnections
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    public void Start()
    {
        _listener.Start(backlog: 64);
        _accepting = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            var pending = Admit(socket);
            lock (_associations)
            {
                _associations.RemoveAll(t => t.IsCompleted);
                _associations.Add(Task.Run(() => ServeAsync(socket, pending)));
            }
        }
    }

    /// <summary>Counts a new connection as pending, closing the oldest pending one when there are too many.</summary>
    private LinkedListNode<Socket> Admit(Socket socket)
    {
        Socket? evicted = null;
        LinkedListNode<Socket> node;
        lock (_pending)
        {
            if (_pending.Count >= _settings.MaxPendingConnections)
            {
                evicted = _pending.First!.Value;
                _pending.RemoveFirst();
            }

            node = _pending.AddLast(socket);
        }

        if (evicted is not null)
        {
            DicomNetworkTelemetry.Count("evicted", LocalEndpoint.Port);
            evicted.Close(); // its reads fail; its task ends as a cut connection
        }

        return node;
    }

    /// <summary>The connection is no longer pending: it became an association, or it ended.</summary>
    private void Settle(LinkedListNode<Socket> pending)
    {
        lock (_pending)
        {
            if (pending.List is not null)
            {
                _pending.Remove(pending);
            }
        }
    }

    private async Task ServeAsync(Socket socket, LinkedListNode<Socket> pending)
    {
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        await using var network = new NetworkStream(socket, ownsSocket: true);
        if (_settings.AllowedHosts.Count > 0 && !_settings.AllowedHosts.Contains(remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address))
        {
            DicomNetworkTelemetry.Count("refused", LocalEndpoint.Port);
            _handler.Refused(string.Empty, remote, "host not on the allow-list: connection closed");
            return;
        }

        using var activity = DicomNetworkTelemetry.Source.StartActivity("dicom association", ActivityKind.Server);
        var cancellationToken = _stopping.Token;
        AssociationInfo? association = null;
        var released = false;
        var ending = "cut";
        var slot = false;
        Stream connection = new QuickAckStream(socket, network);
        try
        {
            if (_settings.Certificate is { } certificate)
            {
                if (await SecureAsync(connection, certificate, remote, cancellationToken) is not { } secured)
                {
                    return;
                }

                connection = secured;
            }

            var request = await ReadAssociateRequestAsync(connection, cancellationToken);
            if (request is null)
            {
                return;
            }

            if (Reject(request) is { } reject)
            {
                DicomNetworkTelemetry.Count("rejected", LocalEndpoint.Port);
                activity?.SetTag(DicomNetworkTelemetry.OutcomeTag, "rejected");
                _handler.Refused(request.Header.CallingAeTitle, remote, reject.ToString());
                await connection.WriteAsync(PduCodec.Encode(reject), cancellationToken);
                return;
            }

            slot = await _slots.WaitAsync(0, cancellationToken);
            if (!slot)
            {
                DicomNetworkTelemetry.Count("busy", LocalEndpoint.Port);
                activity?.SetTag(DicomNetworkTelemetry.OutcomeTag, "busy");
                _handler.Refused(request.Header.CallingAeTitle, remote, $"{AssociateReject.LocalLimitExceeded} ({_settings.MaxAssociations} associations)");
                await connection.WriteAsync(PduCodec.Encode(AssociateReject.LocalLimitExceeded), cancellationToken);
                return;
            }

            Settle(pending);
            var results = request.Contexts.Select(Negotiate).ToList();
            var header = new AssociationHeader(request.Header.CalledAeTitle, request.Header.CallingAeTitle, _settings.MaxPduLength, DicomUid.ImplementationClassUid, DicomUid.ImplementationVersionName);
            await connection.WriteAsync(PduCodec.Encode(new AssociateAccept(header, results)), cancellationToken);
            var accepted = results.Where(r => r.Accepted).ToDictionary(r => r.Id, r => (request.Contexts.First(c => c.Id == r.Id).AbstractSyntax, r.TransferSyntax));
            association = new AssociationInfo(Guid.NewGuid(), request.Header.CallingAeTitle, request.Header.CalledAeTitle, remote, accepted);
            var callingAe = new KeyValuePair<string, object?>(DicomNetworkTelemetry.CallingAeTag, association.CallingAeTitle);
            DicomNetworkTelemetry.Requests.Add(1, new KeyValuePair<string, object?>(DicomNetworkTelemetry.OutcomeTag, "accepted"), callingAe, new KeyValuePair<string, object?>(DicomNetworkTelemetry.ServerPortTag, LocalEndpoint.Port));
            DicomNetworkTelemetry.Active.Add(1, callingAe);
            activity?.SetTag(DicomNetworkTelemetry.CallingAeTag, association.CallingAeTitle);
            activity?.SetTag("dicom.called_ae", association.CalledAeTitle);
            activity?.SetTag("dicom.presentation_contexts", accepted.Count);
            using var channel = new DimseChannel(connection, _settings.MaxPduLength, request.Header.MaxPduLength, accepted.ToDictionary(c => c.Key, c => c.Value.TransferSyntax), _settings.MaxDataSetLength);
            released = await ServeMessagesAsync(channel, connection, association, activity, cancellationToken);
            ending = released ? "released" : "aborted";
        }
        catch (DicomNetworkException ex)
        {
            ending = "protocol-error";
            _handler.Refused(association?.CallingAeTitle ?? string.Empty, remote, $"aborted: {ex.Message}");
            await TryWriteAsync(connection, PduCodec.Encode(new Abort(2, ex.AbortReason)));
        }
        catch (TimeoutException ex)
        {
            ending = "timed-out";
            _handler.Refused(association?.CallingAeTitle ?? string.Empty, remote, $"aborted: {ex.Message}");
            await TryWriteAsync(connection, PduCodec.Encode(new Abort(2, 0)));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away, the server is stopping, or the connection was closed to make room: it ends unreleased.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ending = "failed";
            // A fault of this association (or of its handler) ends it alone, and is said, never lost in a background task.
            _handler.Refused(association?.CallingAeTitle ?? string.Empty, remote, $"aborted after an internal error: {ex.GetType().Name}: {ex.Message}");
            await TryWriteAsync(connection, PduCodec.Encode(new Abort(2, 0)));
        }
        finally
        {
            Settle(pending);
            if (connection is SslStream secure)
            {
                await secure.DisposeAsync();
            }

            if (slot)
            {
                _slots.Release();
            }

            if (association is not null)
            {
                var callingAe = new KeyValuePair<string, object?>(DicomNetworkTelemetry.CallingAeTag, association.CallingAeTitle);
                DicomNetworkTelemetry.Active.Add(-1, callingAe);
                DicomNetworkTelemetry.Ended.Add(1, new KeyValuePair<string, object?>(DicomNetworkTelemetry.OutcomeTag, ending), callingAe);
                activity?.SetTag(DicomNetworkTelemetry.OutcomeTag, ending);
                if (ending is "protocol-error" or "failed")
                {
                    activity?.SetStatus(ActivityStatusCode.Error);
                }

                await _handler.AssociationEndedAsync(association, released);
            }
            else if (ending is "protocol-error" or "timed-out" or "failed")
            {
                // A connection that never became an association: garbage, silence past the ARTIM timer, or a fault.
                DicomNetworkTelemetry.Count(ending, LocalEndpoint.Port);
                activity?.SetTag(DicomNetworkTelemetry.OutcomeTag, ending);
            }
        }
    }

    /// <summary>The TLS handshake, within the ARTIM timeout; null (logged) when it fails.</summary>
    private async Task<Stream?> SecureAsync(Stream connection, X509Certificate2 certificate, IPEndPoint remote, CancellationToken cancellationToken)
    {
        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        using var artim = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        artim.CancelAfter(_settings.ArtimTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, ClientCertificateRequired = false }, artim.Token);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            DicomNetworkTelemetry.Count("tls-failed", LocalEndpoint.Port);
            _handler.Refused(string.Empty, remote, $"TLS handshake failed: {ex.Message}");
            await tls.DisposeAsync();
            return null;
        }
    }

    private async Task<AssociateRequest?> ReadAssociateRequestAsync(Stream network, CancellationToken cancellationToken)
    {
        using var artim = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        artim.CancelAfter(_settings.ArtimTimeout);
        (PduType Type, byte[] Body)? first;
        try
        {
            first = await PduCodec.ReadAsync(network, 64 * 1024, artim.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no A-ASSOCIATE-RQ within the ARTIM timeout ({_settings.ArtimTimeout.TotalSeconds:0} s)");
        }

        if (first is null)
        {
            return null;
        }

        if (first.Value.Type != PduType.AssociateRequest)
        {
            throw new DicomNetworkException($"{first.Value.Type} PDU where an A-ASSOCIATE-RQ was expected.", abortReason: 2);
        }

        return PduCodec.ParseAssociateRequest(first.Value.Body);
    }

    private AssociateReject? Reject(AssociateRequest request)
    {
        if (!string.Equals(request.Header.CalledAeTitle, _settings.AeTitle, StringComparison.Ordinal))
        {
            return AssociateReject.CalledAeNotRecognized;
        }

        return _settings.AllowedCallingAeTitles.Count > 0 && !_settings.AllowedCallingAeTitles.Contains(request.Header.CallingAeTitle)
            ? AssociateReject.CallingAeNotRecognized
            : null;
    }

    private ContextResult Negotiate(ProposedContext context)
    {
        if (context.AbstractSyntax != DimseCommand.VerificationSopClass && !_handler.AcceptsAbstractSyntax(context.AbstractSyntax))
        {
            return new ContextResult(context.Id, ContextResult.AbstractSyntaxNotSupported, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
        }

        var chosen = context.TransferSyntaxes.FirstOrDefault(KnownTransferSyntaxes.Contains);
        return chosen is null
            ? new ContextResult(context.Id, ContextResult.TransferSyntaxesNotSupported, DicomTransferSyntax.ImplicitVRLittleEndian.Uid)
            : new ContextResult(context.Id, ContextResult.Acceptance, chosen);
    }

    /// <returns>True when the association was released, false when the peer aborted or closed it.</returns>
    private async Task<bool> ServeMessagesAsync(DimseChannel channel, Stream network, AssociationInfo association, Activity? activity, CancellationToken cancellationToken)
    {
        var stores = 0;
        try
        {
            return await ServeMessagesAsync(channel, network, association, () => stores++, cancellationToken);
        }
        finally
        {
            activity?.SetTag("dicom.c_store_requests", stores);
        }
    }

    private async Task<bool> ServeMessagesAsync(DimseChannel channel, Stream network, AssociationInfo association, Action stored, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (await channel.ReceiveAsync(_settings.IdleTimeout, cancellationToken))
            {
                case MessageReceived { Command.CommandField: DimseCommand.CEchoRequest } echo:
                    await channel.SendAsync(echo.ContextId, Response(echo.Command, DimseCommand.CEchoResponse, DimseStatus.Success), null, cancellationToken);
                    break;
                case MessageReceived { Command.CommandField: DimseCommand.CStoreRequest, DataSet: { } dataSet } store:
                    stored();
                    var status = await _handler.StoreAsync(association, store.Command, association.Contexts[store.ContextId].TransferSyntax, dataSet, cancellationToken);
                    await channel.SendAsync(store.ContextId, Response(store.Command, DimseCommand.CStoreResponse, status), null, cancellationToken);
                    break;
                case MessageReceived other:
                    await channel.SendAsync(other.ContextId, Response(other.Command, (ushort)(other.Command.CommandField | 0x8000), DimseStatus.CannotUnderstand), null, cancellationToken);
                    break;
                case ReleaseRequested:
                    await network.WriteAsync(PduCodec.ReleaseResponse(), cancellationToken);
                    return true;
                case AbortReceived or ConnectionClosed:
                    return false;
                default:
                    throw new DicomNetworkException("unexpected A-RELEASE-RP from the requester.", abortReason: 2);
            }
        }
    }

    private static DimseCommand Response(DimseCommand request, ushort commandField, ushort status) => new()
    {
        CommandField = commandField,
        AffectedSopClassUid = request.AffectedSopClassUid,
        MessageIdBeingRespondedTo = request.MessageId,
        Status = status,
        AffectedSopInstanceUid = request.AffectedSopInstanceUid,
    };

    private static async Task TryWriteAsync(Stream network, byte[] pdu)
    {
        try
        {
            await network.WriteAsync(pdu);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is gone already.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        if (_accepting is not null)
        {
            await _accepting;
        }

        Task[] running;
        lock (_associations)
        {
            running = [.. _associations];
        }

        await Task.WhenAll(running);
        _stopping.Dispose();
        _slots.Dispose();
    }
}
