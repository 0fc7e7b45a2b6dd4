using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>Latency metrics: averaged metrics found or created by name, points only for answered probes.</summary>
public sealed class MetricCycleTests : LoopbackProgramTest
{

    public MetricCycleTests()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "a", 1).WithComponent(2, "b", 1).WithComponent(3, "c", 1).ServeComponents().AcceptStatusWrites().ServeMetrics();
    }

    private async Task CycleAsync(int? metricIdForB = null, string? metricName = null)
    {
        var b = new JsonObject { ["Name"] = "b", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 2 };
        if (metricIdForB is { } id)
        {
            b["MetricId"] = id;
        }

        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Metrics"] = metricName is null ? new JsonObject { ["Enabled"] = true } : new JsonObject { ["Enabled"] = true, ["Name"] = metricName },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "a", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 1 },
                b,
                new JsonObject { ["Name"] = "c", ["Url"] = $"http://127.0.0.1:{Loopback.RefusedPort}/", ["ComponentId"] = 3 }),
        };
        (await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once")).Should().Be(0, Run.Everything);
    }

    private IReadOnlyList<(string Path, string Body)> Points() =>
        Cachet.Server.LogEntries.Where(entry => entry.RequestMessage.Method == "POST" && entry.RequestMessage.Path.EndsWith("/points", StringComparison.Ordinal))
            .Select(entry => (entry.RequestMessage.Path, entry.RequestMessage.Body ?? "")).OrderBy(point => point.Path).ToList();

    [Fact]
    public async Task A_stop_while_points_are_posted_ends_the_run_with_its_summary_not_a_crash()
    {
        Cachet.Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/metrics/\d+/points$")).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Metrics"] = new JsonObject { ["Enabled"] = true },
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "a", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 1, ["MetricId"] = 7 }),
            // The client's own request log says when the point is on its way (WireMock logs a request only once answered).
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["System.Net.Http.HttpClient"] = "Trace" } },
        };
        using var stop = new CancellationTokenSource();

        var run = Run.RunAsync(stop.Token, "--config", Run.WriteConfig(config.ToJsonString()), "--once");
        await Eventually.Until(() => Run.Logs.All.Contains("/api/v1/metrics/7/points"), "the latency point to be sent");
        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(2, "a stopped --once run exits 2");
        Run.Out.ToString().Should().MatchRegex(@"a\s+HTTP 200 .* Operational -> Operational\s+unchanged").And.Contain("Exit code 2.");
        Run.Logs.Lines.Should().Contain(line => line.Contains("Stopped while posting latency points; the rest are skipped"));
    }

    [Fact]
    public async Task Answered_probes_post_their_latency_to_averaged_metrics_created_by_name()
    {
        await CycleAsync();

        var created = Cachet.Requests("POST", "/api/v1/metrics").Select(request => JsonNode.Parse(request.Body)!).ToList();
        created.Select(metric => metric["name"]!.GetValue<string>()).Should().BeEquivalentTo("a latency", "b latency");
        created.Should().OnlyContain(metric => metric["calc_type"]!.GetValue<int>() == 1 && metric["suffix"]!.GetValue<string>() == "ms");
        Points().Select(point => point.Path).Should().Equal("/api/v1/metrics/1/points", "/api/v1/metrics/2/points");
        Points().Should().OnlyContain(point => JsonNode.Parse(point.Body)!["value"]!.GetValue<double>() >= 0);
    }

    [Fact]
    public async Task A_point_its_locked_database_refused_is_posted_again_as_after_a_5xx()
    {
        // The first point meets the lock: 400 with no meta.details, nothing stored (a Cachet 2.4 on SQLite).
        var refused = 0;
        Cachet.Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/metrics/\d+/points$")).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithCallback(request => Interlocked.Increment(ref refused) == 1
                ? new WireMock.ResponseMessage { StatusCode = 400, BodyData = new WireMock.Util.BodyData { BodyAsString = CachetStub.DatabaseLocked, DetectedBodyType = WireMock.Types.BodyType.String } }
                : new WireMock.ResponseMessage { StatusCode = 200, BodyData = new WireMock.Util.BodyData { BodyAsString = """{"data":{"id":1,"value":1,"counter":1}}""", DetectedBodyType = WireMock.Types.BodyType.String } }));

        await CycleAsync();

        Points().Should().HaveCount(3, "two points, one of them sent twice");
        Run.Logs.Lines.Should().NotContain(line => line.Contains("latency not posted"));
    }

    [Fact]
    public async Task Next_run_finds_the_metrics_instead_of_creating_them_again()
    {
        await CycleAsync();
        await CycleAsync();

        Cachet.Requests("POST", "/api/v1/metrics").Should().HaveCount(2);
        Points().Should().HaveCount(4);
    }

    [Fact]
    public async Task A_summing_metric_gets_no_latency_and_a_warning()
    {
        Cachet.WithMetric("a latency", calcType: 0);

        await CycleAsync();

        Points().Select(point => point.Path).Should().Equal("/api/v1/metrics/2/points");
        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("sums its points; latency needs an average"));
    }

    [Fact]
    public async Task Servers_sharing_a_metric_name_create_it_once()
    {
        await CycleAsync(metricName: "fleet latency");

        Cachet.Requests("POST", "/api/v1/metrics").Should().ContainSingle();
        Points().Select(point => point.Path).Should().Equal("/api/v1/metrics/1/points", "/api/v1/metrics/1/points");
    }

    [Fact]
    public async Task Configured_metric_id_is_used_as_is()
    {
        await CycleAsync(metricIdForB: 42);

        Points().Select(point => point.Path).Should().Contain("/api/v1/metrics/42/points");
        Cachet.Requests("POST", "/api/v1/metrics").Should().ContainSingle("only a's metric is created");
    }
}
