using System.Net;
using System.Net.Sockets;
using CachetSync.Probing;

namespace CachetSync.Tests.Probing;

/// <summary>What the kernel says of a connection's sent bytes (<see cref="TcpInfo"/>), on real loopback sockets.</summary>
public sealed class TcpInfoTests
{
    [Fact]
    public async Task A_request_the_peer_took_in_is_acknowledged_and_a_closed_socket_says_nothing()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();

        await client.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        (await server.ReceiveAsync(new byte[64])).Should().BeGreaterThan(0);
        // The acknowledgement is the kernel's, sent as the bytes arrive; it is back on loopback within microseconds.
        var acknowledged = await PollAsync(() => TcpInfo.HasUnacknowledgedData(client) is false);

        acknowledged.Should().BeTrue("the server's kernel took the request in");
        client.Dispose();
        TcpInfo.HasUnacknowledgedData(client).Should().BeNull("a closed socket has no kernel state to ask");
    }

    private static async Task<bool> PollAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }
}
