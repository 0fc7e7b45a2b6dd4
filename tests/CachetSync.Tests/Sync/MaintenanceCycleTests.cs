using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

/// <summary>Components under a Cachet maintenance schedule in progress are left alone.</summary>
public sealed class MaintenanceCycleTests : LoopbackProgramTest
{
    public MaintenanceCycleTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "a", 1).WithComponent(2, "b", 1).WithComponent(3, "c", 1).ServeComponents().AcceptStatusWrites();
    }

    private async Task<int> CycleAsync(bool respectMaintenance = true)
    {
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token, ["RespectMaintenance"] = respectMaintenance },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "a", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "b", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 2 },
                new JsonObject { ["Name"] = "c", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 3 }),
        };
        return await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once");
    }

    [Fact]
    public async Task Component_under_maintenance_in_progress_is_not_written()
    {
        Cachet.ServeSchedules((1, "Kernel upgrade", 1, [1]), (2, "Last week's move", 2, [2]), (3, "Tomorrow", 0, [3]));

        (await CycleAsync()).Should().Be(0, Run.Everything);

        Cachet.Puts().Select(put => put.Id).Should().Equal(2, 3);
        Run.Out.ToString().Should().MatchRegex(@"a .* Operational -> MajorOutage\s+maintenance\s+under maintenance: Kernel upgrade");
        Run.Out.ToString().Should().Contain("2 updated, 1 maintenance");
    }

    [Fact]
    public async Task A_quiet_cycle_costs_cachet_one_read_and_asks_for_no_schedules()
    {
        Cachet.ServeSchedules((1, "Kernel upgrade", 1, [1]));
        foreach (var id in new[] { 1, 2, 3 })
        {
            Cachet.SetStatusByHand(id, 4);
        }

        (await CycleAsync()).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().BeEmpty();
        Cachet.Server.LogEntries.Select(entry => entry.RequestMessage.Path).Should().Equal("/api/v1/components");
    }

    [Fact]
    public async Task Maintenance_can_be_ignored_by_configuration()
    {
        Cachet.ServeSchedules((1, "Kernel upgrade", 1, [1]));

        (await CycleAsync(respectMaintenance: false)).Should().Be(0);

        Cachet.Puts().Select(put => put.Id).Should().Equal(1, 2, 3);
        Cachet.Server.LogEntries.Should().NotContain(entry => entry.RequestMessage.Path == "/api/v1/schedules");
    }

    [Fact]
    public async Task Unreadable_schedules_are_a_warning_and_the_writes_go_on()
    {
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/schedules").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"errors":[{"status":404,"title":"Not Found","detail":"Not Found"}]}"""));

        (await CycleAsync()).Should().Be(0);

        Cachet.Puts().Should().HaveCount(3);
        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("Maintenance schedules could not be read") && line.Contains("HTTP 404"));
    }

    [Fact]
    public async Task A_server_planned_before_the_first_change_still_sees_the_schedules()
    {
        // a is fast and only damped (no change planned, so its plan alone reads no schedules); b answers later, as
        // Operational again: that write makes the cycle read the schedules, and a must be planned again with them.
        Targets.Given(Request.Create().WithPath("/ok-later").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(500)));
        Cachet.SetStatusByHand(2, 4);
        Cachet.ServeSchedules((1, "Kernel upgrade", 1, [1]));
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Damping"] = new JsonObject { ["ToWorse"] = 2 },
            ["State"] = new JsonObject { ["Path"] = Path.Combine(Run.WorkDirectory, "state.json") },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "a", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "b", ["Url"] = Targets.Urls[0] + "/ok-later", ["ComponentId"] = 2 }),
        };

        (await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once")).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().Equal((2, """{"status":1}"""));
        Run.Out.ToString().Should().MatchRegex(@"a .* Operational -> MajorOutage\s+maintenance\s+under maintenance: Kernel upgrade");
    }
}
