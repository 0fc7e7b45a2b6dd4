using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CachetSync.Tests.Support;

/// <summary>
/// An HTTP server on 127.0.0.1 whose body trickles: <paramref name="chunkBytes"/> every <paramref name="interval"/>,
/// so it can never be faster than chunkBytes / interval — a busy stream edge. With <paramref name="stallAfter"/> it
/// stops sending after that many body bytes and holds the connection open. WireMock.Net delays whole answers only.
/// </summary>
public sealed class ThrottledBodyServer(long totalBytes, int chunkBytes, TimeSpan interval, long? stallAfter = null) : IDisposable
{
    private readonly TcpListener _listener = Listen();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/stream.bin";

    /// <summary>The fastest this server can send, in bytes per second.</summary>
    public double CeilingBytesPerSecond => chunkBytes / interval.TotalSeconds;

    public ThrottledBodyServer Start()
    {
        _ = AcceptLoopAsync();
        return this;
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(socket);
                }

                _ = ServeAsync(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await socket.ReceiveAsync(new byte[4096], SocketFlags.None, _stop.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {totalBytes}\r\n\r\n"), SocketFlags.None, _stop.Token);
            var chunk = new byte[chunkBytes];
            var limit = Math.Min(totalBytes, stallAfter ?? long.MaxValue);
            for (long sent = 0; sent < limit;)
            {
                var size = (int)Math.Min(chunkBytes, limit - sent);
                await socket.SendAsync(chunk.AsMemory(0, size), SocketFlags.None, _stop.Token);
                sent += size;
                // A pause after every chunk, never a catch-up burst: the ceiling holds however late this thread runs.
                await Task.Delay(interval, _stop.Token);
            }

            // A stalled body: the connection stays open, silent, until the test ends.
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            _held.ForEach(socket => socket.Dispose());
        }

        _stop.Dispose();
    }
}
