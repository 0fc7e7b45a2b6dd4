using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

/// <summary>
/// Two entries that resolve to one component — an id and the component's name, two names, a group's server and a
/// name — would write over each other every cycle (a mail to every subscriber each time). Both are refused, named,
/// and nothing is written to that component; the other servers go on.
/// </summary>
public sealed class ContestedComponentTests : LoopbackProgramTest
{
    public ContestedComponentTests()
    {
        Targets.Given(Request.Create().WithPath("/up").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "edge-one", 1, groupId: 2).WithComponent(2, "edge-two", 1, groupId: 5).WithComponent(3, "edge-three", 1, groupId: 5)
            .ServeComponents().ServeGroups((2, "Edge EU"), (5, "Edge US")).AcceptStatusWrites();
    }

    private async Task<int> RunWith(params JsonObject[] servers) => await Run.RunAsync("--config", Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["Servers"] = new JsonArray([.. servers, new JsonObject { ["Name"] = "bystander", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 3 }]),
    }.ToJsonString()), "--once");

    /// <summary>GET /api/v1/components answers one page (Cachet 2.4's shape): these rows, then the bystander's.</summary>
    private void ServeOnePage(params string[] rows)
    {
        string[] all = [.. rows, """{"id":3,"name":"edge-three","status":1,"group_id":5,"enabled":true,"updated_at":"2026-11-23 06:37:45"}"""];
        var pagination = $$"""{"total":{{all.Length}},"count":{{all.Length}},"per_page":100,"current_page":1,"total_pages":1}""";
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet()).AtPriority(1).RespondWith(Response.Create()
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"meta":{"pagination":{{pagination}}},"data":[{{string.Join(",", all)}}]}"""));
    }

    private JsonObject Server(string name, string path, string how, JsonNode which) =>
        new() { ["Name"] = name, ["Url"] = Targets.Urls[0] + path, [how] = which };

    [Fact]
    public async Task An_id_and_the_same_components_name_are_both_refused_and_named()
    {
        var exit = await RunWith(Server("stream-a", "/down", "ComponentId", 1), Server("stream-b", "/up", "Component", "edge-one"));

        exit.Should().Be(2, Run.Everything);
        Cachet.Puts().Should().Equal([(3, """{"status":4}""")], "only the bystander is written");
        var why = "component #1 is driven by 2 entries (stream-a by ComponentId 1, stream-b by Component \"edge-one\"): nothing is written to it until one is removed";
        Run.Out.ToString().Should().MatchRegex(@"stream-a\s.*failed").And.MatchRegex(@"stream-b\s.*failed").And.Contain(why);
        Run.Logs.Lines.Should().Contain(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains(why));
    }

    [Fact]
    public async Task Two_entries_naming_one_component_never_write_it_however_often_they_run()
    {
        for (var run = 0; run < 3; run++)
        {
            (await RunWith(Server("stream-a", "/down", "Component", "edge-two"), Server("stream-b", "/up", "Component", "edge-two"))).Should().Be(2);
        }

        Cachet.Puts().Should().OnlyContain(put => put.Id == 3, "no write ever reached edge-two: the entries did not fight over it");
    }

    [Fact]
    public async Task A_groups_server_and_an_entry_by_name_for_the_same_component_are_refused()
    {
        var exit = await RunWith(new JsonObject { ["Group"] = "Edge EU", ["Url"] = Targets.Urls[0] + "/down?{slug}" }, Server("stream-b", "/up", "Component", "edge-one"));

        exit.Should().Be(2, Run.Everything);
        Cachet.Puts().Should().Equal([(3, """{"status":4}""")]);
        Run.Out.ToString().Should().Contain("component #1 is driven by 2 entries (stream-b by Component \"edge-one\", edge-one by ComponentId 1)");
    }

    [Fact]
    public async Task A_disabled_entry_claims_nothing()
    {
        var disabled = Server("stream-a", "/down", "ComponentId", 1);
        disabled["Enabled"] = false;

        (await RunWith(disabled, Server("stream-b", "/down", "Component", "edge-one"))).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().BeEquivalentTo([(1, """{"status":4}"""), (3, """{"status":4}""")]);
    }

    [Fact]
    public async Task A_component_Cachet_lists_twice_differently_is_refused_and_the_others_written()
    {
        // One page giving id 1 twice: Operational, then Major Outage. Which is Cachet's? Neither is trusted.
        ServeOnePage(
            """{"id":1,"name":"edge-one","status":1,"group_id":2,"enabled":true,"updated_at":"2026-11-23 06:37:45"}""",
            """{"id":1,"name":"edge-one","status":4,"group_id":2,"enabled":true,"updated_at":"2026-11-23 06:40:00"}""");

        var exit = await RunWith(Server("stream-a", "/down", "ComponentId", 1));

        exit.Should().Be(2, Run.Everything);
        Cachet.Puts().Should().Equal([(3, """{"status":4}""")], "only the bystander is written");
        var why = "Cachet listed component #1 twice, differently (\"edge-one\" status 1, \"edge-one\" status 4): nothing is written to it this cycle";
        Run.Out.ToString().Should().MatchRegex(@"stream-a\s.*failed").And.Contain(why);
        Run.Logs.Lines.Should().Contain(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains(why));
    }

    [Fact]
    public async Task A_component_repeated_as_it_was_by_overlapping_pages_is_read_once_and_written()
    {
        ServeOnePage(
            """{"id":1,"name":"edge-one","status":1,"group_id":2,"enabled":true,"updated_at":"2026-11-23 06:37:45"}""",
            """{"id":1,"name":"edge-one","status":1,"group_id":2,"enabled":true,"updated_at":"2026-11-23 06:37:45"}""");

        (await RunWith(Server("stream-a", "/down", "ComponentId", 1))).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().Equal([(1, """{"status":4}"""), (3, """{"status":4}""")]);
    }
}
