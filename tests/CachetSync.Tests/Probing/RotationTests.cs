using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

/// <summary>
/// An overloaded run: a fleet that needs three times the cycle's budget. Probed in configuration order every time,
/// the same servers at the end of the list would never be judged; the ones left go first next cycle instead.
/// </summary>
public sealed class RotationTests : LoopbackProgramTest
{
    private const int Servers = 6;

    public RotationTests()
    {
        // Every server hangs out its 1 s timeout, two at a time: the first pair starts at once, the next one a second
        // later, after the last start the 1.5 s budget leaves (0.5 s), half a second from either.
        Targets.Given(Request.Create().WithPath("/hang").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        Cachet.ServeComponents().AcceptStatusWrites();
        for (var id = 1; id <= Servers; id++)
        {
            Cachet.WithComponent(id, $"edge-{id}", 1);
        }
    }

    private string Config(JsonObject? schedule = null) => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["State"] = new JsonObject { ["Path"] = Path.Combine(Run.WorkDirectory, "state.json") },
        ["Probe"] = schedule is null
            ? new JsonObject { ["Timeout"] = "1s", ["MaxConcurrency"] = 2, ["CycleBudget"] = "1s" }
            : new JsonObject { ["Timeout"] = "1s", ["MaxConcurrency"] = 2 },
        ["Schedule"] = schedule,
        ["Guard"] = new JsonObject { ["Enabled"] = false },
        ["Servers"] = new JsonArray(Enumerable.Range(1, Servers)
            .Select(id => (JsonNode)new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = $"{Targets.Urls[0]}/hang?edge={id}", ["ComponentId"] = id }).ToArray()),
    }.ToJsonString());

    [Fact]
    public async Task Over_three_overloaded_cycles_every_server_is_judged_and_the_rest_say_how_old_their_verdict_is()
    {
        var config = Config();
        var judged = new HashSet<string>();
        var cycles = new List<string>();
        for (var cycle = 1; cycle <= 3; cycle++)
        {
            var before = Run.Out.ToString().Length;
            var exit = await Run.RunAsync("--config", config, "--once");
            var output = Run.Out.ToString()[before..];
            cycles.Add(output);
            exit.Should().Be(2, "servers not judged are a failed run");
            var rows = output.Split('\n').Where(row => row.StartsWith("edge-", StringComparison.Ordinal)).ToList();
            rows.Count(row => row.Contains("not judged: no turn within the cycle's budget", StringComparison.Ordinal)).Should().Be(4, output);
            judged.UnionWith(rows.Where(row => row.Contains(" Timeout", StringComparison.Ordinal)).Select(row => row.Split(' ')[0]));
            output.Should().Contain("Outgrown: 4 of them had no turn within the cycle's budget");
        }

        judged.Should().BeEquivalentTo(Enumerable.Range(1, Servers).Select(id => $"edge-{id}"), string.Join("\n---\n", cycles));
        // edge-5 and edge-6 had their turn last: in the third cycle, after two without a verdict.
        cycles[1].Should().MatchRegex(@"edge-5 .*not judged: no turn within the cycle's budget.*no verdict for 2 cycles in a row \(since ");
    }

    [Fact]
    public async Task A_worker_s_cycle_that_outgrows_its_short_schedule_warns_with_what_it_needs_and_the_remedy()
    {
        // Every 3 s: the budget is at most 2.7 s, so a probe starts by 1.7 s at the latest and the third pair (at 2 s)
        // never does; a --once budget (50 s) would have judged all six.
        using var stop = new CancellationTokenSource();
        var run = Run.RunAsync(stop.Token, "--config", Config(new JsonObject { ["Cron"] = "*/3 * * * * *" }), "--output", "json");
        await Eventually.Until(() => Run.Out.ToString().Contains('\n'), "the worker's first cycle");
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));

        var totals = JsonNode.Parse(Run.Out.ToString().Split('\n')[0])!["totals"]!;
        totals["outOfBudget"]!.GetValue<int>().Should().BeInRange(2, 4, "two pairs at most fit a budget under 2.7 s");
        var warning = Run.Logs.Lines.Should().ContainSingle(line => line.Contains("The fleet outgrew this cycle")).Subject;
        warning.Should().MatchRegex(@"within its (1\.[5-9]|2\.[0-7]) s budget", "the budget came from the schedule, not the --once default")
            .And.Contain("6 servers × ").And.Contain("÷ 2 at a time").And.Contain("--shard i/");
    }
}
