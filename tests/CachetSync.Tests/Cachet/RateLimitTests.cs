using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Cachet;

/// <summary>A Cachet 3 that enforces its rate limit (as the running one does: 60 writes a minute): statuses first, points with what is left.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly Cachet3Stub _cachet = new();
    private readonly WireMockServer _targets = Loopback.StartWireMock();
    private readonly TestRun _run = new();

    public RateLimitTests()
    {
        _targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        _targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
    }

    private string Config(int servers)
    {
        var list = new JsonArray();
        for (var id = 1; id <= servers; id++)
        {
            _cachet.WithComponent(id, $"edge-{id}", 1);
            // The first two go down: two status writes; every answered probe would post a latency point.
            list.Add(new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = _targets.Urls[0] + (id <= 2 ? "/down" : "/ok"), ["ComponentId"] = id, ["MetricId"] = 100 + id });
        }

        return _run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = _cachet.BaseUrl, ["ApiToken"] = Cachet3Stub.Token, ["ApiVersion"] = 3 },
            ["Metrics"] = new JsonObject { ["Enabled"] = true },
            ["Servers"] = list,
        }.ToJsonString());
    }

    [Fact]
    public async Task Status_writes_come_first_and_latency_points_stop_before_the_limit_with_one_warning()
    {
        _cachet.RateLimit = 8;

        var exitCode = await _run.RunAsync("--config", Config(servers: 20), "--once");

        exitCode.Should().Be(0, "points skipped for the rate limit never fail the cycle: " + _run.Everything);
        _cachet.Puts().Should().Equal((1, """{"status":4}"""), (2, """{"status":4}"""));
        var points = _cachet.Posts().Count(post => post.Path.EndsWith("/points", StringComparison.Ordinal));
        points.Should().BeInRange(1, 6, "8 writes a window, 2 went to statuses, and the last few are left unspent");
        _run.Logs.Lines.Where(line => line.Contains("latency")).Should().ContainSingle()
            .Which.Should().MatchRegex(@"rate limit is nearly spent \(\d+ writes left in its window\): latency points of \d+ servers skipped");
        _cachet.Server.LogEntries.Select(entry => entry.ResponseMessage.StatusCode).Should().NotContain(429, "the limit is read, not run into");
    }

    [Fact]
    public async Task Without_a_tight_limit_every_point_is_posted()
    {
        var exitCode = await _run.RunAsync("--config", Config(servers: 5), "--once");

        exitCode.Should().Be(0, _run.Everything);
        _cachet.Posts().Count(post => post.Path.EndsWith("/points", StringComparison.Ordinal)).Should().Be(5, "every answered probe posts its latency");
        _run.Logs.Lines.Should().NotContain(line => line.Contains("rate limit"));
    }

    public void Dispose()
    {
        _run.Dispose();
        _targets.Dispose();
        _cachet.Dispose();
    }
}
