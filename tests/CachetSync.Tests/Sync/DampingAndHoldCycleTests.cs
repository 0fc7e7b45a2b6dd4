using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>Flap damping, manual holds and disabled servers across separate --once runs that share a state file.</summary>
public sealed class DampingAndHoldCycleTests : LoopbackProgramTest
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"cachetsync-state-{Guid.NewGuid():N}.json");

    public DampingAndHoldCycleTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1).ServeComponents().AcceptStatusWrites();
    }

    private string Config(JsonObject? damping = null, bool respectManualStatus = false, bool secondEnabled = true)
    {
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token, ["RespectManualStatus"] = respectManualStatus },
            ["State"] = new JsonObject { ["Path"] = _state },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "web-2", ["Url"] = Targets.Urls[0] + "/down?second", ["ComponentId"] = 2, ["Enabled"] = secondEnabled }),
        };
        if (damping is not null)
        {
            config["Damping"] = damping;
        }

        return Run.WriteConfig(config.ToJsonString());
    }

    private async Task<string> CycleAsync(string config)
    {
        var before = Run.Out.ToString().Length;
        (await Run.RunAsync("--config", config, "--once")).Should().Be(0, Run.Everything);
        return Run.Out.ToString()[before..];
    }

    [Fact]
    public async Task Change_is_written_only_in_the_third_bad_cycle_with_a_threshold_of_three()
    {
        var config = Config(new JsonObject { ["ConsecutiveCycles"] = 3 });

        var first = await CycleAsync(config);
        var second = await CycleAsync(config);
        Cachet.Puts().Should().BeEmpty();
        var third = await CycleAsync(config);

        first.Should().MatchRegex(@"web-1 .* damped\s+MajorOutage seen 1 of 3 cycles in a row");
        second.Should().MatchRegex(@"web-1 .* damped\s+MajorOutage seen 2 of 3 cycles in a row");
        third.Should().MatchRegex(@"web-1 .* updated");
        Cachet.Puts().Should().Equal((1, """{"status":4}"""), (2, """{"status":4}"""));
        File.ReadAllText(_state).Should().Contain("\"lastWritten\": \"MajorOutage\"");
    }

    [Fact]
    public async Task A_dry_run_neither_writes_nor_counts()
    {
        var config = Config(new JsonObject { ["ConsecutiveCycles"] = 2 });

        (await Run.RunAsync("--config", config, "--once", "--dry-run")).Should().Be(0);
        (await Run.RunAsync("--config", config, "--once", "--dry-run")).Should().Be(0);
        var real = await CycleAsync(config);

        real.Should().MatchRegex(@"web-1 .* damped\s+MajorOutage seen 1 of 2");
        Cachet.Puts().Should().BeEmpty();
    }

    [Fact]
    public async Task Status_set_by_hand_is_left_alone_and_said_so()
    {
        var config = Config(respectManualStatus: true);
        await CycleAsync(config);
        Cachet.SetStatusByHand(1, 2);

        var second = await CycleAsync(config);

        Cachet.Puts().Select(put => put.Id).Should().Equal(1, 2);
        second.Should().MatchRegex(@"web-1 .* PerformanceIssues -> MajorOutage\s+held\s+status set by hand \(MajorOutage -> PerformanceIssues\): left alone until ");
        second.Should().MatchRegex(@"web-2 .* unchanged");
    }

    [Fact]
    public async Task Disabled_server_is_neither_probed_nor_written()
    {
        var output = await CycleAsync(Config(secondEnabled: false));

        Targets.LogEntries.Should().NotContain(entry => entry.RequestMessage.Query!.ContainsKey("second"));
        Cachet.Puts().Should().Equal((1, """{"status":4}"""));
        output.Should().MatchRegex(@"web-2\s+-\s+0 ms .* disabled");
    }

    [Fact]
    public async Task Corrupt_state_file_is_a_warning_and_the_cycle_goes_on()
    {
        await File.WriteAllTextAsync(_state, "{{{{ half a file");

        await CycleAsync(Config());

        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("cannot be used") && line.Contains("starting with empty state"));
        Cachet.Puts().Should().HaveCount(2);
        File.ReadAllText(_state).Should().StartWith("{").And.Contain("\"version\": 1");
    }

    public override void Dispose()
    {
        File.Delete(_state);
        base.Dispose();
    }

    private async Task<(int Exit, string Output)> CycleWithExitAsync(string config)
    {
        var before = Run.Out.ToString().Length;
        var exit = await Run.RunAsync("--config", config, "--once");
        return (exit, Run.Out.ToString()[before..]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_write_Cachet_confirms_but_does_not_keep_fails_is_retried_with_a_back_off_never_held_and_lands_once_Cachet_keeps_writes(bool respectManualStatus)
    {
        Cachet.KeepNoWrites();
        var config = Config(respectManualStatus: respectManualStatus, secondEnabled: false);

        var cycles = new List<(int Exit, string Output)>();
        for (var cycle = 0; cycle < 4; cycle++)
        {
            cycles.Add(await CycleWithExitAsync(config));
        }

        cycles.Select(cycle => cycle.Exit).Should().Equal([2, 2, 2, 2], "the page does not show what the servers did: every such cycle fails");
        cycles[0].Output.Should().MatchRegex(
            @"web-1 .* Operational -> MajorOutage\s+failed\s+Cachet confirmed writing MajorOutage but a read right after shows Operational: not kept \(1 in a row\); written again next cycle");
        cycles[1].Output.Should().Contain("not kept (2 in a row); written again next cycle");
        cycles[2].Output.Should().MatchRegex(@"not kept \(3 in a row\); written again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ");
        cycles[3].Output.Should().MatchRegex(@"web-1 .* failed\s+Cachet did not keep the last 3 writes of this component: written again after ");
        cycles.Should().NotContain(cycle => cycle.Output.Contains("held"), "nobody set the status by hand");
        Cachet.Puts().Should().HaveCount(3, "two writes again at once, then one waits for the back-off");
        Run.Logs.Lines.Count(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("not kept")).Should().Be(3);

        // A minute later, Cachet keeps writes again: the back-off ends and the outage reaches the page.
        Cachet.KeepWrites();
        var state = JsonNode.Parse(File.ReadAllText(_state))!;
        state["components"]!["1"]!["retryAfter"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O");
        File.WriteAllText(_state, state.ToJsonString());
        var landed = await CycleWithExitAsync(config);

        landed.Exit.Should().Be(0, landed.Output);
        landed.Output.Should().MatchRegex(@"web-1 .* Operational -> MajorOutage\s+updated");
        (await CycleWithExitAsync(config)).Output.Should().MatchRegex(@"web-1 .* MajorOutage -> MajorOutage\s+unchanged");
    }

    [Fact]
    public async Task A_stamp_that_moves_on_every_read_while_no_write_is_kept_is_a_write_not_kept_never_a_human()
    {
        Cachet.KeepNoWrites().StampsMoveOnEveryRead();
        var config = Config(respectManualStatus: true);

        var first = await CycleWithExitAsync(config);
        var second = await CycleWithExitAsync(config);

        first.Exit.Should().Be(2);
        second.Exit.Should().Be(2);
        first.Output.Should().MatchRegex(@"web-1 .* failed\s+Cachet confirmed writing MajorOutage but a read right after shows Operational: not kept");
        second.Output.Should().NotContain("set by hand").And.Contain("not kept (2 in a row)");
        Cachet.Puts().Should().HaveCount(4, "both down servers written in both cycles: never left Operational as a human's edit");
    }

    [Fact]
    public async Task With_a_stamp_that_never_moves_a_human_s_false_alarm_edit_is_held_not_overwritten()
    {
        Cachet.StampsNeverMove();
        var config = Config(respectManualStatus: true, secondEnabled: false);
        await CycleAsync(config);
        Cachet.SetStatusByHand(1, 1);

        var second = await CycleAsync(config);

        second.Should().MatchRegex(@"web-1 .* Operational -> MajorOutage\s+held\s+status set by hand \(MajorOutage -> Operational\)");
        Cachet.Puts().Should().ContainSingle("the human's Operational stays");
        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("did not move with CachetSync's write"));
    }

    [Fact]
    public async Task A_write_read_back_as_kept_then_the_old_row_seen_again_is_a_write_not_kept_written_again()
    {
        var config = Config(respectManualStatus: true, secondEnabled: false);
        await CycleAsync(config);
        // A replica behind serves the row from before the write: the old status with the old stamp.
        Cachet.RestoreRow(1, status: 1, updatedAt: "2026-11-23 06:37:45");

        var (exit, output) = await CycleWithExitAsync(config);

        exit.Should().Be(0);
        output.Should().MatchRegex(@"web-1 .* Operational -> MajorOutage\s+updated\s+Cachet showed Operational again after writing MajorOutage, the component untouched since: not kept \(1 in a row\); written again");
        Cachet.Puts().Should().HaveCount(2);
    }

    [Fact]
    public async Task A_status_set_by_hand_on_a_component_CachetSync_never_wrote_is_held_too()
    {
        var config = Run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token, ["RespectManualStatus"] = true },
            ["State"] = new JsonObject { ["Path"] = _state },
            ["Thresholds"] = new JsonObject { ["SlowAfter"] = "off" },
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 1 }),
        }.ToJsonString());
        (await CycleAsync(config)).Should().MatchRegex(@"web-1 .* Operational -> Operational\s+unchanged");
        // "CDN edge maintenance": an operator sets the healthy server's component Partial Outage.
        Cachet.SetStatusByHand(1, 3);

        var second = await CycleAsync(config);

        second.Should().MatchRegex(@"web-1 .* PartialOutage -> Operational\s+held\s+status set by hand \(Operational -> PartialOutage\): left alone until ");
        Cachet.Puts().Should().BeEmpty("the operator's status stays");
    }

    [Fact]
    public async Task A_human_who_sets_back_the_status_that_was_overwritten_is_still_a_human()
    {
        var config = Config(respectManualStatus: true, secondEnabled: false);
        await CycleAsync(config);
        Cachet.SetStatusByHand(1, 1);

        var second = await CycleAsync(config);

        second.Should().MatchRegex(@"web-1 .* Operational -> MajorOutage\s+held\s+status set by hand \(MajorOutage -> Operational\)");
        Cachet.Puts().Should().HaveCount(1);
    }

    [Fact]
    public async Task A_save_interrupted_by_a_kill_leaves_a_temporary_file_that_the_next_run_removes()
    {
        var directory = Path.GetDirectoryName(_state)!;
        var leftover = Path.Combine(directory, $".{Path.GetFileName(_state)}.{Guid.NewGuid():N}.tmp");
        var someoneElses = Path.Combine(directory, $".other-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(leftover, "{ half a state");
        File.WriteAllText(someoneElses, "not ours");
        try
        {
            await CycleAsync(Config());

            File.Exists(leftover).Should().BeFalse("the run holding the lock removes what an interrupted save left");
            File.Exists(someoneElses).Should().BeTrue("only the state file's own temporary files are removed");
            File.Exists(_state).Should().BeTrue();
        }
        finally
        {
            File.Delete(someoneElses);
            File.Delete(leftover);
        }
    }
}
