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

    public RawTcpServer(Behaviour behaviour)
    {
        _listener.Start();
        _ = AcceptLoopAsync(behaviour);
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
    }

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
                    lock (_held)
                    {
                        _held.Add(socket);
                    }

                    break;
            }
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
