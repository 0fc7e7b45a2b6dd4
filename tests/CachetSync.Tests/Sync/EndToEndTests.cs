using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>Whole cycles through the real program: config file → probes → reports → Cachet, all over loopback HTTP.</summary>
public sealed class EndToEndTests : LoopbackProgramTest
{

    public EndToEndTests()
    {
        Target("/ok", Response.Create().WithStatusCode(200));
        Target("/down", Response.Create().WithStatusCode(503));
        Target("/moved", Response.Create().WithStatusCode(302).WithHeader("Location", "/ok"));
        Target("/slow", Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(1200)));
        Target("/hang", Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        Target("/reports", Response.Create().WithStatusCode(200).WithBody("""{ "web-5": 25, "web-1": 3, "someone-else": 80 }"""));
    }

    private void Target(string path, IResponseBuilder response) =>
        Targets.Given(Request.Create().WithPath(path).UsingGet()).AtPriority(10).RespondWith(response);

    private string Url(string path) => Targets.Urls[0] + path;

    private static JsonObject Server(string name, string url, int? componentId = null, string? component = null)
    {
        var server = new JsonObject { ["Name"] = name, ["Url"] = url };
        if (componentId is { } id)
        {
            server["ComponentId"] = id;
        }

        if (component is not null)
        {
            server["Component"] = component;
        }

        return server;
    }

    private static JsonObject WithThresholds(JsonObject server, JsonObject thresholds)
    {
        server["Thresholds"] = thresholds;
        return server;
    }

    private JsonObject Config(IEnumerable<JsonObject> servers, string? token = CachetStub.Token) => new()
    {
        ["Cachet"] = new JsonObject
        {
            ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = token, ["PageSize"] = 3, ["Timeout"] = "2s",
            ["Resilience"] = new JsonObject { ["MaxRetries"] = 1, ["RetryDelay"] = "10ms" },
        },
        ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
        ["Reports"] = new JsonObject { ["Source"] = "Http", ["Url"] = Url("/reports") + "?since={since}" },
        // Latency is judged only where a test asks for it: a loaded test machine must not make a fast server "slow".
        ["Thresholds"] = new JsonObject { ["SlowAfter"] = "off" },
        ["Servers"] = new JsonArray(servers.Select(server => (JsonNode)server).ToArray()),
    };

    /// <summary>Nine servers, each a different outcome, driving components spread over four pages of three.</summary>
    private List<JsonObject> MixedFleet()
    {
        Cachet
            .WithComponent(1, "web-1", status: 1).WithComponent(2, "web-2", status: 1).WithComponent(3, "web-3", status: 4)
            .WithComponent(4, "web-4", status: 2).WithComponent(5, "web-5", status: 1).WithComponent(6, "web-6", status: 4)
            .WithComponent(7, "web-7", status: 1).WithComponent(8, "Edge 8", status: 3).WithComponent(9, "idle", status: 1)
            .WithComponent(10, "spare", status: 1)
            .ServeComponents()
            .AcceptStatusWrites();
        return
        [
            Server("web-1", Url("/ok"), 1), // 200, 3 reports (below every threshold), already Operational: no write
            Server("web-2", Url("/down"), 2), // 503 → Major outage
            Server("web-3", Url("/moved"), 3), // 302 → 200: back to Operational
            WithThresholds(Server("web-4", Url("/slow"), 4), new JsonObject { ["SlowAfter"] = "600ms" }), // slow → Performance issues, already so
            Server("web-5", Url("/ok"), 5), // 200 but 25 reports → Partial outage
            Server("web-6", $"http://127.0.0.1:{Loopback.RefusedPort}/", 6), // refused → Major outage, already so
            Server("web-7", Url("/hang"), 7), // timeout → Major outage
            Server("edge-8", Url("/ok"), component: "Edge 8"), // found by name → Operational
        ];
    }

    [Fact]
    public async Task Mixed_fleet_gets_exactly_the_writes_that_change_something()
    {
        var config = Run.WriteConfig(Config(MixedFleet()).ToJsonString());

        var exitCode = await Run.RunAsync("--config", config, "--once");

        exitCode.Should().Be(0, Run.Everything);
        Cachet.Puts().Should().Equal(
            (2, """{"status":4}"""),
            (3, """{"status":1}"""),
            (5, """{"status":3}"""),
            (7, """{"status":4}"""),
            (8, """{"status":1}"""));
        var summary = Run.Out.ToString();
        foreach (var server in new[] { "web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "web-7", "edge-8" })
        {
            summary.Should().Contain(server);
        }

        summary.Should().MatchRegex(@"web-5\s+HTTP 200\s+\d+ ms\s+25\s+Operational -> PartialOutage\s+updated");
        summary.Should().MatchRegex(@"web-6\s+ConnectionRefused\s+\d+ ms\s+0\s+MajorOutage -> MajorOutage\s+unchanged");
        summary.Should().MatchRegex(@"web-7\s+Timeout\s+\d+ ms\s+0\s+Operational -> MajorOutage\s+updated");
        summary.Should().Contain("8 servers in").And.Contain("5 updated, 3 unchanged").And.Contain("Exit code 0.");
    }

    [Fact]
    public async Task Second_cycle_with_nothing_changed_writes_nothing()
    {
        var config = Run.WriteConfig(Config(MixedFleet()).ToJsonString());
        (await Run.RunAsync("--config", config, "--once")).Should().Be(0);
        var putsAfterFirst = Cachet.Puts().Count;

        (await Run.RunAsync("--config", config, "--once")).Should().Be(0);

        Cachet.Puts().Should().HaveCount(putsAfterFirst, "the stub keeps what was written, so nothing differs any more");
    }

    [Fact]
    public async Task Dry_run_reads_but_never_writes()
    {
        var config = Run.WriteConfig(Config(MixedFleet()).ToJsonString());

        var exitCode = await Run.RunAsync("--config", config, "--once", "--dry-run");

        exitCode.Should().Be(0);
        Cachet.Server.LogEntries.Should().OnlyContain(entry => entry.RequestMessage.Method == "GET");
        Run.Out.ToString().Should().Contain("5 dry-run, 3 unchanged (dry run: nothing written)");
    }

    [Fact]
    public async Task Dry_run_works_with_no_cachet_configured()
    {
        var config = new JsonObject
        {
            ["Probe"] = new JsonObject { ["Timeout"] = "1s" },
            ["Servers"] = new JsonArray(Server("web-1", Url("/ok"), 1), Server("web-2", Url("/down"), 2)),
        };

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once", "--dry-run");

        exitCode.Should().Be(0, Run.Everything);
        Run.Out.ToString().Should().MatchRegex(@"web-2\s+HTTP 503\s+\d+ ms\s+-\s+\? -> MajorOutage\s+dry-run");
        Cachet.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task Invalid_configuration_names_every_mistake_and_touches_nothing()
    {
        var config = Config(
        [
            Server("web-1", "not a url", 1),
            Server("web-2", Url("/ok")),
            Server("web-3", Url("/ok"), 3),
        ]);
        config["Thresholds"]!["StatusCodes"] = new JsonObject { ["5xx"] = "MajorOutage" };

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once");

        exitCode.Should().Be(1);
        var errors = Run.Error.ToString();
        errors.Should().Contain("invalid configuration (3 problems)")
            .And.Contain("Servers[0].Url: \"not a url\" is not an absolute http(s), tcp or icmp URL")
            .And.Contain("Servers[1]: names no Cachet component")
            .And.Contain("Thresholds.StatusCodes: \"5xx\" is not a code");
        Cachet.RequestCount.Should().Be(0);
        Targets.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task Ambiguous_component_name_fails_that_server_only()
    {
        Cachet.WithComponent(1, "Twin", 1).WithComponent(2, "Twin", 1).WithComponent(3, "web-3", 1)
            .ServeComponents().AcceptStatusWrites();
        var config = Config([Server("twin", Url("/down"), component: "Twin"), Server("web-3", Url("/down"), 3)]);

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once");

        exitCode.Should().Be(2);
        Cachet.Puts().Should().Equal([(3, """{"status":4}""")], Run.Everything);
        Run.Out.ToString().Should().MatchRegex("twin .* failed +2 components are named \"Twin\" \\(ids 1, 2\\); set ComponentId");
    }

    [Fact]
    public async Task Failing_write_fails_that_server_and_the_others_are_applied()
    {
        Cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1).ServeComponents().AcceptStatusWrites()
            .FailWrite(1, 500, CachetStub.ServerError);
        var config = Config([Server("web-1", Url("/down"), 1), Server("web-2", Url("/down"), 2)]);

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once");

        exitCode.Should().Be(2);
        Cachet.Puts().Should().Equal((1, """{"status":4}"""), (1, """{"status":4}"""), (2, """{"status":4}"""));
        Run.Out.ToString().Should().MatchRegex(@"web-1 .* failed +PUT /components/1: Cachet answered HTTP 500");
        Run.Out.ToString().Should().MatchRegex(@"web-2 .* updated");
    }

    [Fact]
    public async Task Unreachable_cachet_means_no_writes_exit_2_and_the_probes_still_summarized()
    {
        var config = Config([Server("web-1", Url("/down"), 1)]);
        config["Cachet"]!["BaseUrl"] = $"http://127.0.0.1:{Loopback.RefusedPort}";

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once");

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().MatchRegex(@"web-1\s+HTTP 503 .* skipped").And.Contain("Cachet: GET /components page 1: cannot reach Cachet");
        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("Cachet could not be read, nothing will be written"));
    }

    [Fact]
    public async Task Garbage_from_the_report_source_is_a_warning_and_probes_still_decide()
    {
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("<html>maintenance</html>"));
        Cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1).ServeComponents().AcceptStatusWrites();
        var config = Config([Server("web-1", Url("/ok"), 1), Server("web-2", Url("/down"), 2)]);

        var exitCode = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once");

        exitCode.Should().Be(0);
        Cachet.Puts().Should().Equal((2, """{"status":4}"""));
        Run.Logs.Lines.Should().ContainSingle(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("not JSON")
            && line.Contains("probe-only"));
    }

    [Fact]
    public async Task Token_appears_nowhere_even_at_trace_level_with_a_401_and_a_failing_write()
    {
        const string rejectedToken = "tok-REJECTED-9c1d7e0b52a4";
        Cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1).ServeComponents().AcceptStatusWrites()
            .FailWrite(2, 500, CachetStub.ServerError);
        var trace = new JsonObject
        {
            ["LogLevel"] = new JsonObject { ["Default"] = "Trace", ["System.Net.Http.HttpClient"] = "Trace", ["Microsoft"] = "Trace", ["Polly"] = "Trace" },
        };
        var servers = new[] { Server("web-1", Url("/down"), 1), Server("web-2", Url("/down"), 2) };
        var rejected = Config(servers.Select(s => (JsonObject)s.DeepClone()), token: rejectedToken);
        rejected["Logging"] = trace.DeepClone();
        var accepted = Config(servers.Select(s => (JsonObject)s.DeepClone()));
        accepted["Logging"] = trace.DeepClone();

        var rejectedExit = await Run.RunAsync("--config", Run.WriteConfig(rejected.ToJsonString(), "rejected.json"), "--once");
        var acceptedExit = await Run.RunAsync("--config", Run.WriteConfig(accepted.ToJsonString(), "accepted.json"), "--once");

        rejectedExit.Should().Be(2);
        acceptedExit.Should().Be(2);
        Run.Logs.Lines.Count(line => line.Contains("Cachet rejected the API token")).Should().Be(1);
        Run.Logs.Lines.Should().Contain(line => line.Contains("X-Cachet-Token"), "trace logging of request headers is on, redacted");
        Run.Everything.Should().NotContain(rejectedToken).And.NotContain(CachetStub.Token);
    }
}
