using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>A Cachet 3 that enforces its rate limit (as the running one does: 60 writes a minute): statuses first, points with what is left.</summary>
public sealed class RateLimitTests : Cachet3ProgramTest
{

    public RateLimitTests()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
    }

    private string Config(int servers)
    {
        var list = new JsonArray();
        for (var id = 1; id <= servers; id++)
        {
            Cachet.WithComponent(id, $"edge-{id}", 1);
            // The first two go down: two status writes; every answered probe would post a latency point.
            list.Add(new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = Targets.Urls[0] + (id <= 2 ? "/down" : "/ok"), ["ComponentId"] = id, ["MetricId"] = 100 + id });
        }

        return Run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = Cachet3Stub.Token, ["ApiVersion"] = 3 },
            ["Metrics"] = new JsonObject { ["Enabled"] = true },
            ["Servers"] = list,
        }.ToJsonString());
    }

    [Fact]
    public async Task Status_writes_come_first_and_latency_points_stop_before_the_limit_with_one_warning()
    {
        Cachet.RateLimit = 8;

        var exitCode = await Run.RunAsync("--config", Config(servers: 20), "--once");

        exitCode.Should().Be(0, "points skipped for the rate limit never fail the cycle: " + Run.Everything);
        Cachet.Puts().Should().Equal((1, """{"status":4}"""), (2, """{"status":4}"""));
        var points = Cachet.Posts().Count(post => post.Path.EndsWith("/points", StringComparison.Ordinal));
        points.Should().BeInRange(1, 6, "8 writes a window, 2 went to statuses, and the last few are left unspent");
        Run.Logs.Lines.Where(line => line.Contains("latency")).Should().ContainSingle()
            .Which.Should().MatchRegex(@"rate limit is nearly spent \(\d+ writes left in its window\): latency points of \d+ servers skipped");
        Cachet.Server.LogEntries.Select(entry => entry.ResponseMessage.StatusCode).Should().NotContain(429, "the limit is read, not run into");
    }

    [Fact]
    public async Task Without_a_tight_limit_every_point_is_posted()
    {
        var exitCode = await Run.RunAsync("--config", Config(servers: 5), "--once");

        exitCode.Should().Be(0, Run.Everything);
        Cachet.Posts().Count(post => post.Path.EndsWith("/points", StringComparison.Ordinal)).Should().Be(5, "every answered probe posts its latency");
        Run.Logs.Lines.Should().NotContain(line => line.Contains("rate limit"));
    }
}
