using System.Diagnostics;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using FluentAssertions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Guard;

/// <summary>Heartbeat.Url: the dead-man's switch, pinged in each service's convention, bounded, never a secret in print.</summary>
public sealed class HeartbeatTests : GuardProgramTest
{
    private const string Key = "0f9c6a52-hc-check-key-7d41";
    private readonly WireMockServer _checks = Loopback.StartWireMock();

    public HeartbeatTests()
    {
        _checks.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("OK"));
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
    }

    private JsonObject With(JsonObject config, string style, string path = $"/ping/{Key}", string timeout = "5s")
    {
        config["Heartbeat"] = new JsonObject { ["Url"] = _checks.Urls[0] + path, ["Style"] = style, ["Timeout"] = timeout };
        return config;
    }

    private IReadOnlyList<string> Pings() =>
        _checks.LogEntries.OrderBy(entry => entry.RequestMessage.DateTime)
            .Select(entry => $"{entry.RequestMessage.Method} {entry.RequestMessage.Path}{(entry.RequestMessage.RawQuery is { Length: > 0 } query ? "?" + query : "")}")
            .ToList();

    [Fact]
    public async Task Healthchecks_style_pings_start_then_success_with_the_totals_and_never_prints_the_key()
    {
        var (exit, _) = await RunOnceAsync(With(Config(Fleet(2, _ => Targets.Urls[0] + "/ok")), "Healthchecks"));

        exit.Should().Be(0);
        Pings().Should().Equal($"GET /ping/{Key}/start", $"POST /ping/{Key}");
        _checks.LogEntries.Last().RequestMessage.Body.Should().Contain("2 servers in").And.Contain("Exit code 0.");
        Run.Everything.Should().NotContain(Key);
    }

    [Fact]
    public async Task Healthchecks_style_pings_fail_after_a_cycle_that_failed()
    {
        // A server whose component is not in Cachet: that server fails, and so does the cycle (exit 2).
        var servers = Fleet(1, _ => Targets.Urls[0] + "/ok");
        servers.Add(new JsonObject { ["Name"] = "ghost", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 99 });

        var (exit, _) = await RunOnceAsync(With(Config(servers), "Healthchecks"));

        exit.Should().Be(2);
        Pings().Should().Equal($"GET /ping/{Key}/start", $"POST /ping/{Key}/fail");
    }

    [Fact]
    public async Task Uptime_Kuma_style_replaces_the_sample_query_with_status_message_and_ping()
    {
        var servers = Fleet(1, _ => Closed);
        var (exit, _) = await RunOnceAsync(With(Config(servers, new JsonObject { ["Canaries"] = new JsonArray(Silent()) }), "UptimeKumaPush", $"/api/push/{Key}?status=up&msg=OK&ping="));

        exit.Should().Be(2);
        var ping = _checks.LogEntries.Should().ContainSingle().Subject.RequestMessage;
        ping.Path.Should().Be($"/api/push/{Key}");
        ping.Query!["status"].Should().Equal("down");
        ping.Query["msg"].Single().Should().Contain("1 server in").And.Contain("Exit code 2.");
        int.Parse(ping.Query["ping"].Single()).Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task Plain_style_pings_only_after_success()
    {
        var config = Config(Fleet(1, _ => Targets.Urls[0] + "/ok"));
        (await RunOnceAsync(With(config, "Plain"))).ExitCode.Should().Be(0);
        var blind = Config(Fleet(1, _ => Targets.Urls[0] + "/ok"), new JsonObject { ["Canaries"] = new JsonArray(Silent()) });
        (await RunOnceAsync(With(blind, "Plain"))).ExitCode.Should().Be(2);

        Pings().Should().Equal($"GET /ping/{Key}");
    }

    [Fact]
    public async Task A_hanging_heartbeat_costs_its_timeout_and_a_warning_never_the_writes()
    {
        _checks.Reset();
        _checks.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        var clock = Stopwatch.StartNew();

        var (exit, summary) = await RunOnceAsync(With(Config(Fleet(2, _ => Closed)), "Healthchecks", timeout: "500ms"));

        exit.Should().Be(0, "a heartbeat never fails the cycle");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the 30 s hang is cut at the ping's own timeout");
        Cachet.Puts().Should().HaveCount(2, "the outages were written");
        Actions(summary).Should().AllBe("updated");
        Run.Logs.Lines.Should().Contain(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("Heartbeat to 127.0.0.1 failed: no answer within 500ms"));
        Run.Everything.Should().NotContain(Key);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_the_key_never_leaves_for_its_target()
    {
        using var elsewhere = Loopback.StartWireMock();
        elsewhere.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        _checks.Reset();
        _checks.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", elsewhere.Urls[0] + "/stolen"));

        var (exit, _) = await RunOnceAsync(With(Config(Fleet(1, _ => Targets.Urls[0] + "/ok")), "Plain"));

        exit.Should().Be(0);
        elsewhere.LogEntries.Should().BeEmpty();
        Run.Logs.Lines.Should().Contain(line => line.Contains("it answered HTTP 302 (redirects are not followed"));
    }

    [Fact]
    public async Task A_dry_run_pings_nothing()
    {
        var config = With(Config(Fleet(1, _ => Targets.Urls[0] + "/ok")), "Healthchecks");
        (await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once", "--dry-run")).Should().Be(0);

        _checks.LogEntries.Should().BeEmpty();
    }

    public override void Dispose()
    {
        _checks.Dispose();
        base.Dispose();
    }
}
