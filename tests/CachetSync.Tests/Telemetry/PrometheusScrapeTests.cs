using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Telemetry;

/// <summary>
/// A real Prometheus (Debian's, started by .ci/start-prometheus) scrapes a worker running in this process, and is
/// asked through its HTTP API what it saw: the status the worker wrote, and every metric the Grafana dashboard uses.
/// </summary>
[Collection(RealPrometheus.Collection)]
public sealed partial class PrometheusScrapeTests : LoopbackProgramTest
{
    private static readonly string Dashboard = Path.Combine(CachetSync.Tests.Configuration.SettingsReaderTests.RepositoryRoot(), "deploy", "grafana", "cachetsync.json");

    private readonly string _run = $"r{Guid.NewGuid():N}";
    private readonly int _port = Loopback.PortForTheProgram();

    public PrometheusScrapeTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithBody(new byte[64 * 1024]));
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).RespondWith(Response.Create().WithBody("""{"edge-2": "many"}"""));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 2).WithComponent(3, "edge-3", 1).ServeComponents().AcceptStatusWrites();
        // edge-3's first write fails and its retry succeeds: the retry panel has something to show, and the cycles
        // still succeed (the "since the last successful cycle" panel too).
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components/3").UsingPut()).AtPriority(1)
            .InScenario("edge-3").WillSetStateTo("retried")
            .RespondWith(Response.Create().WithStatusCode(500).WithBody(CachetStub.ServerError));
    }

    [GeneratedRegex(@"cachetsync_[a-z_]+")]
    private static partial Regex MetricName();

    [PrometheusFact]
    public async Task Prometheus_scrapes_the_status_written_and_every_metric_the_dashboard_queries()
    {
        var config = Run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject
            {
                ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token,
                ["Resilience"] = new JsonObject { ["MaxRetries"] = 1, ["RetryDelay"] = "10ms", ["BreakAfter"] = 0 },
            },
            ["Schedule"] = new JsonObject { ["Cron"] = "*/2 * * * * *", ["RunAtStart"] = true },
            ["Reports"] = new JsonObject { ["Source"] = "Http", ["Url"] = Targets.Urls[0] + "/reports" },
            ["Thresholds"] = new JsonObject { ["SlowAfter"] = "off" },
            ["Telemetry"] = new JsonObject { ["Prometheus"] = new JsonObject { ["Listen"] = $"127.0.0.1:{_port}" } },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 },
                new JsonObject
                {
                    ["Name"] = "edge-2", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 2,
                    ["Probe"] = new JsonObject { ["Throughput"] = new JsonObject { ["Bytes"] = "64KiB", ["MinRate"] = "1KiB/s" } },
                },
                new JsonObject { ["Name"] = "edge-3", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 3 }),
        }.ToJsonString());
        using var stop = new CancellationTokenSource();
        var worker = Run.RunAsync(stop.Token, "--config", config);
        try
        {
            // Prometheus' file discovery picks the target up; the "run" label keeps this test's series apart.
            await RealPrometheus.ScrapeAsync($"127.0.0.1:{_port}", _run);

            var written = await QueryUntilAsync($$"""cachetsync_component_status_current{run="{{_run}}",server="edge-1"}""", value => value == "4");
            written.Should().Be("4");
            Cachet.Puts().Should().Contain((1, """{"status":4}"""), "Prometheus shows what the worker wrote to Cachet");
            Cachet.Puts().Count(put => put.Id == 3).Should().Be(2, "edge-3's write was retried once");

            var used = DashboardQueries().Concat(VariableQueries())
                .SelectMany(query => MetricName().Matches(query).Select(match => match.Value)).ToHashSet();
            used.Should().NotBeEmpty();
            var scraped = new HashSet<string>();
            for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !used.IsSubsetOf(scraped); await Task.Delay(200))
            {
                scraped = await Names();
            }

            used.Except(scraped).Should().BeEmpty("every dashboard query names a metric the scrape contains (scraped: {0})", string.Join(", ", scraped));

            foreach (var query in DashboardQueries())
            {
                var answer = await RealPrometheus.GetJsonAsync($"/api/v1/query?query={Uri.EscapeDataString(Concrete(query))}");
                ((string?)answer["status"]).Should().Be("success", $"Prometheus accepts the dashboard query {query} ({answer["error"]})");
            }
        }
        finally
        {
            await RealPrometheus.StopScrapingAsync();
            await stop.CancelAsync();
            await worker.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Every "expr" of the dashboard's panels.</summary>
    private static List<string> DashboardQueries() =>
        JsonNode.Parse(File.ReadAllText(Dashboard))!["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]?.AsArray() ?? [])
            .Select(target => (string)target!["expr"]!)
            .ToList();

    /// <summary>The queries of the dashboard's variables (<c>label_values(metric, label)</c>).</summary>
    private static List<string> VariableQueries() =>
        JsonNode.Parse(File.ReadAllText(Dashboard))!["templating"]!["list"]!.AsArray()
            .Where(variable => (string?)variable!["type"] == "query")
            .Select(variable => (string)variable!["query"]!)
            .ToList();

    /// <summary>A dashboard query with Grafana's variables filled in as Grafana would.</summary>
    private static string Concrete(string query) =>
        query.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$server", ".*", StringComparison.Ordinal);

    private async Task<string?> QueryUntilAsync(string query, Func<string?, bool> wanted)
    {
        string? value = null;
        await Eventually.Until(() =>
        {
            value = RealPrometheus.ValueAsync(query).GetAwaiter().GetResult();
            return wanted(value);
        }, $"Prometheus to answer {query} (last: {value ?? "no series"})", TimeSpan.FromSeconds(60));
        return value;
    }

    private async Task<HashSet<string>> Names()
    {
        var answer = await RealPrometheus.GetJsonAsync($"/api/v1/label/__name__/values?match[]={Uri.EscapeDataString($$"""{run="{{_run}}"}""")}");
        return answer["data"]!.AsArray().Select(name => (string)name!).ToHashSet();
    }
}
