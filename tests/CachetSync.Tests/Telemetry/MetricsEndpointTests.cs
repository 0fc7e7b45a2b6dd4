using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Telemetry;

/// <summary>
/// The worker's own HTTP port (<c>Telemetry.Prometheus.Listen</c>): Prometheus text at /metrics, /healthz and
/// /readyz beside it — read over real sockets from a worker running in this process.
/// </summary>
public sealed partial class MetricsEndpointTests : LoopbackProgramTest
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly int _port = Loopback.PortForTheProgram();

    public MetricsEndpointTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Targets.Given(Request.Create().WithPath("/hang").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        Cachet.WithComponent(1, "edge-1", 1).ServeComponents().AcceptStatusWrites();
    }

    private string Config(string path, string probeTimeout = "5s", string listenHost = "127.0.0.1") => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["Schedule"] = new JsonObject { ["Cron"] = "* * * * * *", ["RunAtStart"] = true },
        ["Probe"] = new JsonObject { ["Timeout"] = probeTimeout },
        ["Telemetry"] = new JsonObject { ["Prometheus"] = new JsonObject { ["Listen"] = $"{listenHost}:{_port}" } },
        ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + path, ["ComponentId"] = 1 }),
    }.ToJsonString());

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{_port}{path}");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> UntilAsync(string path, Func<(HttpStatusCode Status, string Body), bool> condition)
    {
        var answer = (Status: (HttpStatusCode)0, Body: "");
        await Eventually.Until(() => condition(answer = GetAsync(path).GetAwaiter().GetResult()), $"{path} to answer as expected (last: {answer})", TimeSpan.FromSeconds(30));
        return answer;
    }

    /// <remarks>0.0.0.0 is what the container manifests say: the only address a kubelet or Prometheus can reach.</remarks>
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    public async Task The_worker_serves_its_metrics_and_health_on_the_listen_port(string listenHost)
    {
        using var stop = new CancellationTokenSource();
        var worker = Run.RunAsync(stop.Token, "--config", Config("/down", listenHost: listenHost));

        var ready = await UntilAsync("/readyz", answer => answer.Status == HttpStatusCode.OK);
        ready.Body.Should().StartWith("ok: last cycle finished");
        var metrics = (await GetAsync("/metrics")).Body;
        metrics.Should().Contain("""cachetsync_component_status_desired{otel_scope_name="CachetSync",component_id="1",server="edge-1"} 4""");
        metrics.Should().Contain("cachetsync_cachet_request_duration_seconds_count").And.Contain("cachetsync_cycle_last_successful_seconds");
        (await GetAsync("/healthz")).Status.Should().Be(HttpStatusCode.OK);
        (await GetAsync("/elsewhere")).Status.Should().Be(HttpStatusCode.NotFound);

        await stop.CancelAsync();
        (await worker.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, Run.Everything);
        (await GetAsync("/healthz")).Status.Should().Be(0, "the port is closed once the worker stopped");
    }

    [Fact]
    public async Task A_worker_whose_cycle_hangs_fails_its_liveness_probe()
    {
        using var stop = new CancellationTokenSource();
        // The probe hangs 20 s while the schedule wants a cycle every second.
        var worker = Run.RunAsync(stop.Token, "--config", Config("/hang", probeTimeout: "20s"));

        var stuck = await UntilAsync("/healthz", answer => answer.Status == HttpStatusCode.ServiceUnavailable);
        stuck.Body.Should().Contain("no cycle finished yet").And.Contain("the worker is stuck");
        (await GetAsync("/readyz")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        // The restart about to come is worth a warning; a readiness probe before the first cycle is not.
        Run.Logs.Lines.Should().Contain(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("/healthz answered 503"))
            .And.NotContain(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("/readyz answered 503"));

        await stop.CancelAsync();
        await worker.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Every_server_has_its_series_past_opentelemetrys_default_of_two_thousand()
    {
        const int servers = 2_100;
        var closed = Loopback.RefusedPort;
        var config = Run.WriteConfig(new JsonObject
        {
            ["Schedule"] = new JsonObject { ["Cron"] = "0 0 1 1 *", ["RunAtStart"] = true },
            ["Telemetry"] = new JsonObject { ["Prometheus"] = new JsonObject { ["Listen"] = $"127.0.0.1:{_port}" } },
            ["Servers"] = new JsonArray(Enumerable.Range(1, servers)
                .Select(i => (JsonNode)new JsonObject { ["Name"] = $"s{i}", ["Url"] = $"http://127.0.0.1:{closed}/", ["ComponentId"] = i })
                .ToArray()),
        }.ToJsonString());
        using var stop = new CancellationTokenSource();
        var worker = Run.RunAsync(stop.Token, "--config", config, "--dry-run");
        try
        {
            await UntilAsync("/readyz", answer => answer.Status == HttpStatusCode.OK);
            var metrics = (await GetAsync("/metrics")).Body.Split('\n');

            // By name, not by count: the meter is the process's, and a test running beside this one adds its own servers.
            var withSeries = metrics.Where(line => line.StartsWith("cachetsync_component_status_desired{", StringComparison.Ordinal))
                .Select(line => ServerLabel().Match(line).Groups[1].Value)
                .ToHashSet();
            withSeries.Should().Contain(Enumerable.Range(1, servers).Select(i => $"s{i}"));
            metrics.Should().NotContain(line => line.Contains("otel_metric_overflow", StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
            await worker.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task A_listen_port_already_taken_stops_the_worker_before_it_touches_cachet()
    {
        using var taken = new TcpListener(IPAddress.Loopback, _port);
        taken.Start();

        var exitCode = await Run.RunAsync(CancellationToken.None, "--config", Config("/down")).WaitAsync(TimeSpan.FromSeconds(30));

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain($"cannot listen on 127.0.0.1:{_port} (Telemetry.Prometheus.Listen)");
        Cachet.RequestCount.Should().Be(0);
        Targets.LogEntries.Should().BeEmpty();
    }

    [GeneratedRegex(@"[{,]server=""([^""]*)""")]
    private static partial Regex ServerLabel();
}
