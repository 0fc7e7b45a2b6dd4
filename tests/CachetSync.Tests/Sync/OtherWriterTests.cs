using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

/// <summary>
/// Two CachetSync instances (a second replica by mistake, an old CronJob left running) with different thresholds on
/// the same component: each undoes the other's write every cycle. One of them must notice, say so, and stop fighting.
/// </summary>
public sealed class OtherWriterTests : LoopbackProgramTest
{
    public OtherWriterTests()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "web-1", 1).ServeComponents().AcceptStatusWrites();
    }

    /// <summary>One instance's configuration; the strict one takes a 200 for Performance Issues.</summary>
    private string Instance(string name, bool strict)
    {
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["State"] = new JsonObject { ["Path"] = Path.Combine(Run.WorkDirectory, $"{name}.state.json") },
            ["Thresholds"] = new JsonObject { ["SlowAfter"] = "off" },
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 1 }),
        };
        if (strict)
        {
            config["Thresholds"]!["StatusCodes"] = new JsonObject { ["200"] = "PerformanceIssues" };
        }

        return Run.WriteConfig(config.ToJsonString(), $"{name}.json");
    }

    [Fact]
    public async Task Two_writers_that_undo_each_other_are_noticed_said_and_the_fight_stops()
    {
        var lenient = Instance("lenient", strict: false);
        var strict = Instance("strict", strict: true);

        var exits = new List<(string Who, int Exit, string Output)>();
        for (var round = 0; round < 8; round++)
        {
            foreach (var (who, config) in new[] { ("lenient", lenient), ("strict", strict) })
            {
                var before = Run.Out.ToString().Length;
                var exit = await Run.RunAsync("--config", config, "--once");
                exits.Add((who, exit, Run.Out.ToString()[before..]));
            }
        }

        exits.Should().Contain(run => run.Output.Contains("another writer"), string.Join("\n", exits.Select(run => $"{run.Who} {run.Exit}: {run.Output}")));
        Cachet.Puts().Count.Should().BeLessThanOrEqualTo(6, "a few undone writes tell another writer: not one page change a cycle for good");
        var noticed = exits.First(run => run.Output.Contains("another writer"));
        noticed.Exit.Should().Be(2);
        noticed.Output.Should().MatchRegex(@"web-1 .* failed\s+another writer: CachetSync's writes were changed by someone else 3 times within 24 h");
        exits.SkipWhile(run => run != noticed).Where(run => run.Who == noticed.Who).Should().OnlyContain(run => run.Exit == 2 && run.Output.Contains("another writer"),
            "it says so every cycle while the other writer is at work");
        Run.Logs.Lines.Should().Contain(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("another writer"));
        exits.TakeLast(4).Select(run => Cachet.Puts().Count).Distinct().Should().ContainSingle();
    }
}
