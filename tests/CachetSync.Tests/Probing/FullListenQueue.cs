using System.Net;
using System.Net.Sockets;
using CachetSync.Configuration;
using CachetSync.Thresholds;

namespace CachetSync.Tests.Probing;

/// <summary>
/// A server whose listen queue (of one) is full when the probe connects: the kernel drops the probe's SYN and the
/// probe's connect retries after 1 s, as when thousands of connects at once overflow a server's backlog. A real
/// socket, because only the kernel makes a real SYN retransmission.
/// </summary>
internal sealed class FullListenQueue : IDisposable
{
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly TcpClient _filler = new();
    private readonly List<Socket> _accepted = [];

    private FullListenQueue()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _filler.Connect(IPAddress.Loopback, port);
        Server = new ServerSettings { Name = "edge", Url = new Uri($"http://127.0.0.1:{port}/edge"), ComponentId = 1 };
    }

    public ServerSettings Server { get; }

    public static FullListenQueue Start() => new();

    /// <summary>
    /// Makes room in the queue well before the kernel's retransmission, then accepts every connection and reads its
    /// request without ever answering, until <paramref name="probing"/> is done.
    /// </summary>
    /// <returns>How many requests came.</returns>
    public async Task<int> NeverAnswerAsync(Task probing)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        (await _listener.AcceptAsync()).Dispose();
        var requests = 0;
        while (true)
        {
            var accepting = _listener.AcceptAsync();
            if (await Task.WhenAny(accepting, probing) != accepting)
            {
                return requests;
            }

            var connection = await accepting;
            _accepted.Add(connection);
            if (await connection.ReceiveAsync(new byte[4096]) > 0)
            {
                requests++;
            }
        }
    }

    public void Dispose()
    {
        foreach (var connection in _accepted)
        {
            connection.Dispose();
        }

        _filler.Dispose();
        _listener.Dispose();
    }
}
