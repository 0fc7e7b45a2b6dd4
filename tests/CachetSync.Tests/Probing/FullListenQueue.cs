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

    /// <summary>A server at this queue's address with its own path (the requests say which probe they came from).</summary>
    public ServerSettings ServerAt(string path, int componentId) =>
        Server with { Name = path.Trim('/'), Url = new Uri(Server.Url, path), ComponentId = componentId };

    /// <summary>
    /// Makes room for one connection before the kernel's retransmission, then takes none for a while: of two probes
    /// whose SYNs come back together, one fills the room and the other's handshake ends in a full queue — its connect
    /// looks made from its side, but the server drops its request until a retransmission finds room. Then accepts every
    /// connection at once and reads its request, never answering, until <paramref name="probing"/> is done.
    /// </summary>
    /// <returns>
    /// For each request's path, when it reached the server (from the start), and whether its connection was still
    /// outside the queue when the hold ended: its request dropped, the server had it only from then.
    /// </returns>
    public async Task<Dictionary<string, (TimeSpan At, bool TakenLate)>> HoldThenNeverAnswerAsync(Task probing, TimeSpan hold)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        (await _listener.AcceptAsync()).Dispose();
        await Task.Delay(hold - started.Elapsed);
        var queued = new List<Socket>();
        while (_listener.Poll(0, SelectMode.SelectRead))
        {
            queued.Add(_listener.Accept());
        }

        var arrived = new Dictionary<string, (TimeSpan, bool)>();
        foreach (var connection in queued)
        {
            await ReadAsync(connection, takenLate: false);
        }

        while (true)
        {
            var accepting = _listener.AcceptAsync();
            if (await Task.WhenAny(accepting, probing) != accepting)
            {
                return arrived;
            }

            await ReadAsync(await accepting, takenLate: true);
        }

        async Task ReadAsync(Socket connection, bool takenLate)
        {
            _accepted.Add(connection);
            var request = new byte[4096];
            if (await connection.ReceiveAsync(request) is var length and > 0)
            {
                arrived[System.Text.Encoding.ASCII.GetString(request, 0, length).Split(' ')[1]] = (started.Elapsed, takenLate);
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
