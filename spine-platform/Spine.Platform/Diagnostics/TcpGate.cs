using System.Net;
using System.Net.Sockets;

namespace Spine.Platform.Diagnostics;

/// <summary>
/// A loopback port bound the moment it is chosen, in front of a peer that comes up later: until <see cref="Open"/>,
/// every connection is accepted and closed at once (the peer is down); after, each is relayed to the peer. A test
/// can so configure an address before the peer exists without a port that another process might take meanwhile, and
/// take the peer away again (<see cref="Close"/>): an outage of the network path, the peer itself untouched.
/// </summary>
public sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile int _target;
    private CancellationTokenSource _relays = new();

    public TcpGate()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The peer's port connections are relayed to; 0 while closed.</summary>
    public int Target => _target;

    /// <summary>Connections from now on reach the peer on <paramref name="targetPort"/>.</summary>
    public void Open(int targetPort) => _target = targetPort;

    /// <summary>The peer is gone: open connections are cut and new ones closed at once, until <see cref="Open"/>.</summary>
    public void Close()
    {
        _target = 0;
        var cut = Interlocked.Exchange(ref _relays, new CancellationTokenSource());
        cut.Cancel();
        cut.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_target == 0)
            {
                client.Dispose();
                continue;
            }

            _ = RelayAsync(client, _target, _relays.Token);
        }
    }

    private async Task RelayAsync(TcpClient client, int target, CancellationToken cut)
    {
        using (client)
        using (var peer = new TcpClient())
        {
            try
            {
                await peer.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
                using var finished = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, cut);
                var inbound = client.GetStream().CopyToAsync(peer.GetStream(), finished.Token);
                var outbound = peer.GetStream().CopyToAsync(client.GetStream(), finished.Token);
                await Task.WhenAny(inbound, outbound);
                await finished.CancelAsync();
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // Either side closing ends the relay.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        _relays.Dispose();
    }
}
