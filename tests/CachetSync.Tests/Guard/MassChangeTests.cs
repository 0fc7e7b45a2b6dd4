using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Guard;

/// <summary>
/// The mass-change guard (on by default): more than half of at least 20 servers getting worse at once is held,
/// probed again after ConfirmAfter, and written only with a second witness.
/// </summary>
public sealed class MassChangeTests : GuardProgramTest
{
    private const int Size = 24;

    private static JsonObject Guard(int writeHeldAfter = 3, JsonArray? canaries = null)
    {
        var guard = new JsonObject { ["ConfirmAfter"] = "200ms", ["WriteHeldAfter"] = writeHeldAfter };
        if (canaries is not null)
        {
            guard["Canaries"] = canaries;
        }

        return guard;
    }

    /// <summary>A report source whose first read has nobody reporting, and every later one members reporting every server.</summary>
    private JsonObject RisingReports()
    {
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).InScenario("reports").WillSetStateTo("rising")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        var rising = new JsonObject();
        for (var i = 1; i <= Size; i++)
        {
            rising[$"edge-{i}"] = 3;
        }

        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).InScenario("reports").WhenStateIs("rising")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(rising.ToJsonString()));
        var reports = new JsonObject { ["Source"] = "Http", ["Url"] = Targets.Urls[0] + "/reports" };
        return reports;
    }

    [Fact]
    public async Task A_whole_fleet_going_dark_without_a_witness_is_held_and_exits_2()
    {
        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, _ => Closed), Guard()));

        exit.Should().Be(2);
        Cachet.Puts().Should().BeEmpty();
        Actions(summary).Should().AllBe("guarded");
        summary.GetProperty("totals").GetProperty("guarded").GetInt32().Should().Be(Size);
        var guard = summary.GetProperty("guard");
        guard.GetProperty("cause").GetString().Should().Be("MassChange");
        guard.GetProperty("reason").GetString().Should().Contain($"{Size} of {Size} servers would get worse at once").And.Contain("held cycle 1");
        summary.GetProperty("servers")[0].GetProperty("probeDetail").GetString().Should().Contain("probed again");
        JsonDocument.Parse(File.ReadAllText(State)).RootElement.GetProperty("guardHeldCycles").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task A_held_mass_change_is_written_after_WriteHeldAfter_cycles_in_a_row()
    {
        var config = Config(Fleet(Size, _ => Closed), Guard(writeHeldAfter: 2));

        var first = await RunOnceAsync(config);
        var second = await RunOnceAsync(config);
        Cachet.Puts().Should().BeEmpty("two cycles may be held");
        var third = await RunOnceAsync(config);

        (first.ExitCode, second.ExitCode, third.ExitCode).Should().Be((2, 2, 0));
        Cachet.Puts().Should().HaveCount(Size).And.OnlyContain(put => put.Body.Contains("\"status\":4"));
        third.Summary.GetProperty("guard").GetProperty("witness").GetString().Should().Contain("held 2 cycles in a row");
        JsonDocument.Parse(File.ReadAllText(State)).RootElement.TryGetProperty("guardHeldCycles", out _).Should().BeFalse("the count starts again");
    }

    [Fact]
    public async Task A_canary_answering_is_no_witness_for_a_mass_change()
    {
        // A route cut to most of the fleet leaves the gateway answering: that proves a network, not the path to the fleet.
        Targets.Given(Request.Create().WithPath("/canary").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));

        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, _ => Closed), Guard(canaries: [Targets.Urls[0] + "/canary"])));

        exit.Should().Be(2);
        Cachet.Puts().Should().BeEmpty();
        summary.GetProperty("guard").GetProperty("held").GetBoolean().Should().BeTrue();
        summary.GetProperty("guard").GetProperty("reason").GetString().Should().Contain("no witness or members' reports confirm it");
    }

    [Fact]
    public async Task With_canaries_configured_members_reports_rising_still_confirm_a_mass_outage()
    {
        Targets.Given(Request.Create().WithPath("/canary").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var reports = RisingReports();

        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, _ => Closed), Guard(canaries: [Targets.Urls[0] + "/canary"]), reports));

        exit.Should().Be(0);
        Cachet.Puts().Should().HaveCount(Size);
        summary.GetProperty("guard").GetProperty("witness").GetString().Should().Contain("members' reports for them rose");
    }

    [Fact]
    public async Task With_canaries_configured_a_mass_change_held_WriteHeldAfter_cycles_is_written()
    {
        Targets.Given(Request.Create().WithPath("/canary").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var config = Config(Fleet(Size, _ => Closed), Guard(writeHeldAfter: 1, canaries: [Targets.Urls[0] + "/canary"]));

        var first = await RunOnceAsync(config);
        var second = await RunOnceAsync(config);

        (first.ExitCode, second.ExitCode).Should().Be((2, 0));
        Cachet.Puts().Should().HaveCount(Size);
        second.Summary.GetProperty("guard").GetProperty("witness").GetString().Should().Contain("held 1 cycles in a row");
    }

    [Fact]
    public async Task A_cut_widening_over_cycles_trips_the_guard_as_a_sudden_one_does()
    {
        // 40 % of the fleet goes dark (under the share: written), then 80 %: measured against the page alone, the second
        // cycle's new 40 % would be under the share again. Over Guard.Window, it is 80 %.
        var dark = 0;
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var servers = Fleet(Size, i => Targets.Urls[0] + $"/edge/{i}");
        for (var i = 1; i <= Size; i++)
        {
            var index = i;
            Targets.Given(Request.Create().WithPath($"/edge/{i}").UsingGet())
                .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage { StatusCode = index <= Volatile.Read(ref dark) ? 503 : 200 }));
        }

        var (firstDark, secondDark) = (Size * 4 / 10, Size * 8 / 10);
        var config = Config(servers, Guard());
        Volatile.Write(ref dark, firstDark);
        var first = await RunOnceAsync(config);
        Volatile.Write(ref dark, secondDark);
        var second = await RunOnceAsync(config);

        first.ExitCode.Should().Be(0);
        Cachet.Puts().Should().HaveCount(firstDark, "only the first 40 % were written");
        second.ExitCode.Should().Be(2);
        second.Summary.GetProperty("totals").GetProperty("guarded").GetInt32().Should().Be(secondDark - firstDark);
        second.Summary.GetProperty("guard").GetProperty("reason").GetString().Should()
            .Contain($"{secondDark - firstDark} of {Size} servers would get worse, and {firstDark} more were written worse within 30m");
    }

    [Fact]
    public async Task Members_reports_rising_between_the_two_reads_confirm_it()
    {
        // First read: nobody reports; the confirming read: members report every server.
        var reports = RisingReports();

        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, _ => Closed), Guard(), reports));

        exit.Should().Be(0);
        Cachet.Puts().Should().HaveCount(Size);
        summary.GetProperty("guard").GetProperty("witness").GetString().Should().Be($"members' reports for them rose from 0 to {3 * Size}");
    }

    [Fact]
    public async Task A_blip_gone_on_the_second_probe_writes_nothing()
    {
        // The first Size answers (each server's first probe) are 503, every later one 200.
        var answered = 0;
        Targets.Given(Request.Create().WithPath("/edge").UsingGet()).RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage
        {
            StatusCode = Interlocked.Increment(ref answered) <= Size ? 503 : 200,
        }));

        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, _ => Targets.Urls[0] + "/edge"), Guard()));

        exit.Should().Be(0);
        Cachet.Puts().Should().BeEmpty();
        Actions(summary).Should().AllBe("unchanged");
        summary.GetProperty("guard").GetProperty("witness").GetString().Should().Be("not confirmed: probed again, 0 would get worse");
        Targets.LogEntries.Should().HaveCount(2 * Size);
    }

    [Fact]
    public async Task Improvements_are_never_held()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var guard = Guard();
        guard["ConfirmAfter"] = "10m";

        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, _ => Targets.Urls[0] + "/ok", status: 4), guard));

        exit.Should().Be(0);
        Cachet.Puts().Should().HaveCount(Size).And.OnlyContain(put => put.Body.Contains("\"status\":1"));
        summary.GetProperty("guard").ValueKind.Should().Be(JsonValueKind.Null);
        Targets.LogEntries.Should().HaveCount(Size, "no second probe: nothing got worse");
    }

    [Fact]
    public async Task Below_MinServers_a_fleet_going_dark_is_written_at_once()
    {
        var guard = Guard();
        guard["MinServers"] = Size + 1;

        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, _ => Closed), guard));

        exit.Should().Be(0);
        Cachet.Puts().Should().HaveCount(Size);
        summary.GetProperty("guard").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_minority_getting_worse_is_written_without_waiting()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var guard = Guard();
        guard["ConfirmAfter"] = "10m";

        // 12 of 24 is not more than half.
        var (exit, summary) = await RunOnceAsync(Config(Fleet(Size, i => i <= Size / 2 ? Closed : Targets.Urls[0] + "/ok"), guard));

        exit.Should().Be(0);
        Cachet.Puts().Select(put => put.Id).Should().Equal(Enumerable.Range(1, Size / 2));
        summary.GetProperty("guard").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
