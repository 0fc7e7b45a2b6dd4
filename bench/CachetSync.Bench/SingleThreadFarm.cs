using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CachetSync.Bench;

/// <summary>
/// A farm like a busy edge, or an asyncio server: one thread accepts, handshakes, parses and answers everything,
/// spending <see cref="ServiceTime"/> of CPU on each request (an interpreter's handler, not Kestrel's), so
/// connections queue and more requests are in flight at once; listen backlog 100, as asyncio's. Plain HTTP/1.1, just
/// enough for a probe. It leaves closing to the prober even after <c>Connection: close</c>: this one address takes
/// 10 000 connections a cycle, six cycles a minute, and the farm closing first left TIME_WAIT sockets that the
/// prober's reused ephemeral ports ran into as resets — an artifact of one address playing a whole fleet.
/// </summary>
public sealed class SingleThreadFarm : ITargetFarm
{
    /// <summary>asyncio's default.</summary>
    private const int Backlog = 100;

    /// <summary>
    /// With every address on one socket, one queue plays every server's: at 100 000 servers a queue of 100 dropped SYNs
    /// and a fast server's second look measured 1.9 s (11 "slow" in one run), what a fleet of separate queues never
    /// does. The kernel caps it at <c>net.core.somaxconn</c>, which the bench raises in its own namespace.
    /// </summary>
    public const int SharedBacklog = 65535;

    /// <summary>What one request costs the farm's only thread: about what a small Python asyncio handler takes.</summary>
    public static readonly TimeSpan ServiceTime = TimeSpan.FromMicroseconds(30);
    private static readonly byte[] Ok = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    private static readonly byte[] Unavailable = Encoding.ASCII.GetBytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");

    private readonly Behaviour[] _mix;
    private readonly X509Certificate2 _certificate;
    private readonly Socket _http;
    private readonly Socket _https;
    private readonly SingleThreadLoop _loop = new("single-thread-farm");
    private readonly CancellationTokenSource _stop = new();
    private readonly StallMeter _stalls;

    /// <param name="everyAddress">Listen on 0.0.0.0, so every 127.x.y.z reaches the farm (only inside a network namespace of its own).</param>
    public SingleThreadFarm(Behaviour[] mix, X509Certificate2 certificate, bool everyAddress = false)
    {
        _http = Listen(everyAddress);
        _https = Listen(everyAddress);
        _mix = mix;
        _certificate = certificate;
        // A socket's completion comes through the thread pool, then the loop: both are measured.
        _stalls = new StallMeter(work => ThreadPool.UnsafeQueueUserWorkItem(_ => _loop.Post(_ => work(), null), null));
        _loop.Start(() => AcceptLoopAsync(_http, tls: false));
        _loop.Start(() => AcceptLoopAsync(_https, tls: true));
    }

    public int HttpPort => ((IPEndPoint)_http.LocalEndPoint!).Port;

    public int HttpsPort => ((IPEndPoint)_https.LocalEndPoint!).Port;

    public TimeSpan TakeWorstStall() => _stalls.TakeWorst();

    private static Socket Listen(bool everyAddress)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(everyAddress ? IPAddress.Any : IPAddress.Loopback, 0));
        socket.Listen(everyAddress ? SharedBacklog : Backlog);
        return socket;
    }

    private async Task AcceptLoopAsync(Socket listener, bool tls)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client, tls);
        }
    }

    private async Task ServeAsync(Socket client, bool tls)
    {
        using var socket = client;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (tls)
            {
                var ssl = new SslStream(stream);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
            }

            var buffer = new byte[4096];
            var filled = 0;
            while (true)
            {
                int end;
                while ((end = HeadersEnd(buffer.AsSpan(0, filled))) < 0)
                {
                    var read = filled < buffer.Length ? await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token) : 0;
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                Serve();
                var behaviour = _mix[PathIndex(buffer.AsSpan(0, end))];
                buffer.AsSpan(end, filled - end).CopyTo(buffer);
                filled -= end;
                if (behaviour == Behaviour.NeverAnswers)
                {
                    // Holds the request until the prober gives up and closes the connection.
                    while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                    {
                    }

                    return;
                }

                if (behaviour == Behaviour.SlowTwoSeconds)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _stop.Token);
                }

                await stream.WriteAsync(behaviour == Behaviour.ServiceUnavailable ? Unavailable : Ok, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or AuthenticationException or ObjectDisposedException)
        {
            // The prober hung up, or the farm is stopping.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>Busy, not sleeping: the thread can do nothing else meanwhile, as a handler's CPU work holds an event loop.</summary>
    private static void Serve()
    {
        var until = Stopwatch.GetTimestamp() + (long)(ServiceTime.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
        }
    }

    private static int HeadersEnd(ReadOnlySpan<byte> received) =>
        received.IndexOf("\r\n\r\n"u8) is var at and >= 0 ? at + 4 : -1;

    /// <summary>The i of <c>GET /s/{i} HTTP/1.1</c>.</summary>
    private static int PathIndex(ReadOnlySpan<byte> request)
    {
        var start = request.IndexOf("/s/"u8) + 3;
        var index = 0;
        for (var i = start; i < request.Length && request[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            index = (index * 10) + (request[i] - '0');
        }

        return index;
    }

    public ValueTask DisposeAsync()
    {
        _stalls.Dispose();
        _stop.Cancel();
        _http.Dispose();
        _https.Dispose();
        _loop.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
