using System.Text.Json.Nodes;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Witness;

/// <summary>
/// A real <c>cachetsync --witness</c> run in-process on a loopback port, with servers of its own: the same names as
/// the writer's, at the addresses the witness reaches them by — which is how one loopback machine plays two vantage
/// points (from the writer, a server's port is closed; from the witness, it answers). Stopped with the test.
/// </summary>
public sealed class WitnessHost : IAsyncDisposable
{
    public const string Token = "witness-token-0123456789abcdef";

    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _running;

    private WitnessHost(JsonArray servers, string token, int? metricsPort)
    {
        Port = Loopback.PortForTheProgram();
        var config = new JsonObject
        {
            ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
            ["Thresholds"] = new JsonObject { ["SlowAfter"] = "off" },
            ["Witness"] = new JsonObject { ["Listen"] = $"127.0.0.1:{Port}", ["Token"] = token },
            ["Servers"] = servers,
        };
        if (metricsPort is { } metrics)
        {
            config["Telemetry"] = new JsonObject { ["Prometheus"] = new JsonObject { ["Listen"] = $"127.0.0.1:{metrics}" } };
        }

        _running = Run.RunAsync(_stop.Token, "--witness", "--config", Run.WriteConfig(config.ToJsonString()));
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public TestRun Run { get; } = new();

    /// <summary>Started, and answering <c>/healthz</c>.</summary>
    /// <param name="metricsPort">Where it serves /metrics (Telemetry.Prometheus.Listen); none by default.</param>
    public static async Task<WitnessHost> StartAsync(JsonArray servers, string token = Token, int? metricsPort = null)
    {
        var host = new WitnessHost(servers, token, metricsPort);
        using var client = new HttpClient();
        await Eventually.Until(() =>
        {
            if (host._running.IsCompleted)
            {
                throw new InvalidOperationException($"the witness ended: {host.Run.Everything}");
            }

            try
            {
                return client.GetAsync(host.Url + "/healthz").GetAwaiter().GetResult().IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the witness to answer /healthz");
        return host;
    }

    /// <summary>Servers named <c>edge-1</c>… as the writer's fleet names them, at the witness's own addresses.</summary>
    public static JsonArray Fleet(int count, Func<int, string> url)
    {
        var servers = new JsonArray();
        for (var i = 1; i <= count; i++)
        {
            servers.Add(new JsonObject { ["Name"] = $"edge-{i}", ["Url"] = url(i), ["ComponentId"] = i });
        }

        return servers;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        (await _running).Should().Be(0, "a witness stopped by its host exits 0");
        _stop.Dispose();
        Run.Dispose();
    }
}
