using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>A broken report source and every kind of bad configuration, through the whole program.</summary>
public sealed class ReportAndConfigFaultTests : LoopbackProgramTest
{

    public ReportAndConfigFaultTests()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1).ServeComponents().AcceptStatusWrites();
    }

    private JsonObject Config(string reportsUrl, string reportsTimeout = "2s") => new()
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["Reports"] = new JsonObject { ["Source"] = "Http", ["Url"] = reportsUrl, ["Timeout"] = reportsTimeout },
        ["Servers"] = new JsonArray(
            new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 1 },
            new JsonObject { ["Name"] = "web-2", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 2 }),
        ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Debug" } },
    };

    private void Reports(IResponseBuilder response) =>
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).RespondWith(response);

    [Theory]
    [InlineData("down", "request failed")]
    [InlineData("slow", "no answer within 0.3 s")]
    [InlineData("garbage", "not JSON")]
    [InlineData("500", "answered HTTP 500")]
    public async Task Report_source_failure_is_a_warning_and_the_cycle_uses_probe_only_statuses(string fault, string reason)
    {
        var url = Targets.Urls[0] + "/reports";
        switch (fault)
        {
            case "down":
                url = $"http://127.0.0.1:{Loopback.RefusedPort}/reports";
                break;
            case "slow":
                Reports(Response.Create().WithStatusCode(200).WithBody("""{"web-1": 99}""").WithDelay(TimeSpan.FromSeconds(5)));
                break;
            case "garbage":
                Reports(Response.Create().WithStatusCode(200).WithBody("\u0000\u0001 nonsense"));
                break;
            case "500":
                Reports(Response.Create().WithStatusCode(500));
                break;
        }

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(Config(url, "300ms").ToJsonString()), "--once");

        exitCode.Should().Be(0, "a report source is an input, not the job");
        Run.Logs.Lines.Should().ContainSingle(line => line.StartsWith("Warning", StringComparison.Ordinal)
            && line.Contains("Report source HTTP") && line.Contains(reason) && line.Contains("probe-only"));
        Run.Out.ToString().Should().MatchRegex(@"web-1\s+HTTP 200\s+\d+ ms\s+-\s+Operational -> Operational\s+unchanged");
    }

    [Fact]
    public async Task A_Prometheus_that_refuses_the_query_is_one_warning_and_the_cycle_rests_on_the_probes()
    {
        Targets.Given(Request.Create().WithPath("/api/v1/query").UsingPost()).RespondWith(Response.Create().WithStatusCode(400)
            .WithBody("""{"status":"error","errorType":"bad_data","error":"1:27: parse error: unclosed left parenthesis"}"""));
        var config = Config(Targets.Urls[0]);
        config["Reports"] = new JsonObject
        {
            ["Source"] = "Prometheus", ["Url"] = Targets.Urls[0], ["Query"] = "sum by (server) (increase(t[{window}])", ["BearerToken"] = "prom-bearer-3c9",
        };

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once");

        exitCode.Should().Be(0, "a report source is an input, not the job");
        Run.Logs.Lines.Should().ContainSingle(line => line.StartsWith("Warning", StringComparison.Ordinal)
            && line.Contains("Report source Prometheus") && line.Contains("answered HTTP 400 and refused \"sum by (server) (increase(t[2h])\": bad_data: 1:27: parse error")
            && line.Contains("probe-only"));
        Run.Out.ToString().Should().MatchRegex(@"web-1\s+HTTP 200\s+\d+ ms\s+-\s+Operational -> Operational\s+unchanged\s+HTTP 200; reports unavailable");
        Targets.LogEntries.Single(entry => entry.RequestMessage.Path == "/api/v1/query").RequestMessage.Headers!["Authorization"].Should().Equal("Bearer prom-bearer-3c9");
        Run.Everything.Should().NotContain("prom-bearer-3c9");
    }

    [Fact]
    public async Task Bad_counts_affect_only_their_server_and_unknown_keys_are_listed_at_debug()
    {
        Reports(Response.Create().WithStatusCode(200).WithBody("""{ "web-1": -3, "web-2": 60, "web-9": 4, "old-name": "lots" }"""));

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(Config(Targets.Urls[0] + "/reports").ToJsonString()), "--once");

        exitCode.Should().Be(0);
        Cachet.Puts().Should().Equal((2, """{"status":4}"""));
        Run.Out.ToString().Should().MatchRegex(@"web-1\s+HTTP 200\s+\d+ ms\s+-\s+Operational -> Operational");
        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("count for web-1 ignored: -3 is not a count"));
        Run.Logs.Lines.Should().ContainSingle(line => line.StartsWith("Debug", StringComparison.Ordinal)
            && line.Contains("2 keys match no server: old-name, web-9"));
    }

    [Fact]
    public async Task Every_kind_of_invalid_value_is_listed_and_nothing_is_contacted()
    {
        var config = """
            {
              "Cachet": { "BaseUrl": "status.example.com", "Timeout": "-5s", "Resilience": { "BreakAfter": 1 } },
              "Schedule": { "Cron": "61 * * * *", "TimeZone": "Europe/Atlantis" },
              "Probe": { "Timeout": "5", "Method": "POST" },
              "Reports": { "Source": "Http" },
              "Thresholds": {
                "StatusCodes": { "500-549": "MajorOutage", "540-589": "PartialOutage", "200": "Great" },
                "Reports": [ { "AtLeast": -1, "Status": "MajorOutage" } ]
              },
              "Servers": [
                { "Name": "edge", "Url": "http://EDGE_URL/ok", "ComponentId": 1 },
                { "Name": "Edge", "Url": "htp://typo.test", "ComponentId": 2 },
                { "Name": "orphan", "Url": "http://EDGE_URL/ok" }
              ]
            }
            """.Replace("EDGE_URL", Targets.Urls[0][7..], StringComparison.Ordinal);

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config), "--once");

        exitCode.Should().Be(1);
        var problems = Run.Error.ToString();
        foreach (var expected in new[]
        {
            "Cachet.BaseUrl: \"status.example.com\" is not an absolute http(s) URL",
            "Cachet.ApiToken: is required",
            "Cachet.Timeout: must be positive",
            "Cachet.Resilience.BreakAfter: must be 0 (off) or at least 2",
            "Schedule.Cron: \"61 * * * *\" is not a cron expression",
            "Schedule.TimeZone: \"Europe/Atlantis\" is not a known time zone",
            "Probe.Timeout: \"5\" is not a duration",
            "Probe.Method: \"POST\" is not GET or HEAD",
            "Reports.Url: is required when Source is Http",
            "Thresholds.StatusCodes: \"500-549\" and \"540-589\" overlap",
            "Thresholds.StatusCodes.200: \"Great\" is not a status",
            "Thresholds.Reports[0].AtLeast: -1 is out of range",
            "Servers[1].Name: \"Edge\" is also the name of Servers[0]",
            "Servers[1].Url: \"htp://typo.test\" is not an absolute http(s), tcp or icmp URL",
            "Servers[2]: names no Cachet component",
        })
        {
            problems.Should().Contain(expected);
        }

        problems.Should().Contain("invalid configuration (15 problems)");
        Cachet.RequestCount.Should().Be(0);
        Targets.LogEntries.Should().BeEmpty();
    }
}
