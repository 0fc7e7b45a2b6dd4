using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CachetSync.Demo;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the demo's stand-ins: reads each request's head and
/// answers what <c>answer</c> says, one request a connection. Never listens beyond loopback; stops with the demo.
/// </summary>
/// <param name="answer">The request's path and query → status, body and a delay before answering; null: never answer (a hanging server).</param>
internal sealed class LoopbackResponder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, (int Status, string Body, TimeSpan Delay)?> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;

    public LoopbackResponder(Func<string, (int Status, string Body, TimeSpan Delay)?> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

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

            lock (_open)
            {
                _open.Add(client);
            }

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 64 * 1024)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var target = head.ToString().Split(' ', 3) is [_, var path, _] ? path : "/";
            if (_answer(target) is not { } answer)
            {
                return; // hangs: the connection stays open, silent, until the demo ends
            }

            await Task.Delay(answer.Delay, _stop.Token);
            var body = Encoding.UTF8.GetBytes(answer.Body);
            var response = $"HTTP/1.1 {answer.Status} {(answer.Status < 400 ? "OK" : "Error")}\r\nContent-Type: application/json\r\n" +
                $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
            await stream.WriteAsync(body, _stop.Token);
            client.Dispose();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The prober gave up (a timeout, a headers-only probe) or the demo ended: nothing to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_open)
        {
            _open.ForEach(client => client.Dispose());
        }

        _stop.Dispose();
    }
}
