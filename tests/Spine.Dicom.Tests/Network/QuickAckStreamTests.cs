using System.Net;
using System.Net.Sockets;
using Spine.Dicom.Network;

namespace Spine.Dicom.Tests.Network;

public sealed class QuickAckStreamTests
{
    [Fact]
    public async Task Reading_sets_tcp_quickack_on_linux_and_passes_the_bytes_through()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var sender = new TcpClient();
        await sender.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptSocketAsync();
        await using var stream = new QuickAckStream(accepted, new NetworkStream(accepted, ownsSocket: false));

        await sender.GetStream().WriteAsync(new byte[] { 1, 2, 3 });
        var buffer = new byte[3];
        await stream.ReadExactlyAsync(buffer);

        Assert.Equal(new byte[] { 1, 2, 3 }, buffer);
        // The option was once refused silently (set through SetSocketOption, which does not know it): on Linux it must stay on.
        Assert.Equal(OperatingSystem.IsLinux(), stream.QuickAckActive);
    }
}
