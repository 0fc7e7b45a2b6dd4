using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CachetSync.Tests.Support;

/// <summary>
/// A real socket server on 127.0.0.1 that misbehaves the ways HTTP servers really do, for faults that an HTTP
/// mock cannot produce: a reset, a close before any answer, a non-HTTP greeting, silence.
/// </summary>
public sealed class RawTcpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];
    private int _accepted;
    private long _bodyBytesSent;
    private readonly byte[] _answer = [];

    public RawTcpServer(Behaviour behaviour)
    {
        _listener.Start();
        _ = AcceptLoopAsync(behaviour);
    }

    /// <summary>Reads each request, then sends <paramref name="answer"/> exactly as given and closes.</summary>
    public RawTcpServer(string answer)
    {
        _answer = Encoding.ASCII.GetBytes(answer);
        _listener.Start();
        _ = AcceptLoopAsync(Behaviour.Verbatim);
    }

    public enum Behaviour
    {
        /// <summary>Accepts, then closes with RST (SO_LINGER 0).</summary>
        Reset,

        /// <summary>Reads the request, then closes without a byte of answer.</summary>
        CloseWithoutAnswer,

        /// <summary>Answers with a non-HTTP greeting, as an SSH server on the wrong port would.</summary>
        Garbage,

        /// <summary>Accepts and never answers nor closes.</summary>
        Silent,

        /// <summary>Sends the headers of a 1 MB answer and 10 bytes of it, then nothing more.</summary>
        HeadersThenStall,

        /// <summary>Sends a chunked body that never ends (until the client closes, or 10 s pass).</summary>
        EndlessBody,

        /// <summary>Sends the answer it was made with, byte for byte, and closes.</summary>
        Verbatim,
    }

    /// <summary>Body bytes an <see cref="Behaviour.EndlessBody"/> server got out before the client hung up.</summary>
    public long BodyBytesSent => Interlocked.Read(ref _bodyBytesSent);

    /// <summary>Set when the client closed the connection while the body was still being sent.</summary>
    public TaskCompletionSource ClientHungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Accepted => Volatile.Read(ref _accepted);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}/health";

    private async Task AcceptLoopAsync(Behaviour behaviour)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                _ = HandleAsync(socket, behaviour);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task HandleAsync(Socket socket, Behaviour behaviour)
    {
        try
        {
            switch (behaviour)
            {
                case Behaviour.Reset:
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    break;
                case Behaviour.CloseWithoutAnswer:
                    await socket.ReceiveAsync(new byte[4096], SocketFlags.None, _stop.Token);
                    socket.Shutdown(SocketShutdown.Both);
                    socket.Close();
                    break;
                case Behaviour.Garbage:
                    await socket.ReceiveAsync(new byte[4096], SocketFlags.None, _stop.Token);
                    await socket.SendAsync(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n\r\n"), SocketFlags.None, _stop.Token);
                    socket.Close();
                    break;
                case Behaviour.Silent:
                    Hold(socket);
                    break;
                case Behaviour.HeadersThenStall:
                    await socket.ReceiveAsync(new byte[4096], SocketFlags.None, _stop.Token);
                    await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n0123456789"), SocketFlags.None, _stop.Token);
                    Hold(socket);
                    break;
                case Behaviour.EndlessBody:
                    await socket.ReceiveAsync(new byte[4096], SocketFlags.None, _stop.Token);
                    await SendEndlessBodyAsync(socket);
                    break;
                case Behaviour.Verbatim:
                    await socket.ReceiveAsync(new byte[4096], SocketFlags.None, _stop.Token);
                    await socket.SendAsync(_answer, SocketFlags.None, _stop.Token);
                    socket.Shutdown(SocketShutdown.Send);
                    Hold(socket);
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private void Hold(Socket socket)
    {
        lock (_held)
        {
            _held.Add(socket);
        }
    }

    private async Task SendEndlessBodyAsync(Socket socket)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), SocketFlags.None, _stop.Token);
        var chunk = Encoding.ASCII.GetBytes($"4000\r\n{new string('x', 0x4000)}\r\n");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        bounded.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                await socket.SendAsync(chunk, SocketFlags.None, bounded.Token);
                Interlocked.Add(ref _bodyBytesSent, 0x4000);
            }
        }
        catch (SocketException)
        {
            ClientHungUp.TrySetResult();
        }
        finally
        {
            socket.Dispose();
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
