using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>Incidents across --once runs: opened once per outage, marked Fixed on recovery, found again when the state is lost.</summary>
public sealed class IncidentCycleTests : LoopbackProgramTest
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"cachetsync-incidents-{Guid.NewGuid():N}.json");
    private int _answer = 503;

    public IncidentCycleTests()
    {
        Targets.Given(Request.Create().WithPath("/health").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage { StatusCode = _answer }));
        Cachet.WithComponent(7, "edge-7", 1).ServeComponents().AcceptStatusWrites().ServeIncidents();
    }

    private async Task CycleAsync()
    {
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["State"] = new JsonObject { ["Path"] = _state },
            ["Incidents"] = new JsonObject { ["Enabled"] = true, ["Name"] = "{Server} is down", ["Notify"] = true },
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-7", ["Url"] = Targets.Urls[0] + "/health", ["ComponentId"] = 7 }),
        };
        (await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once")).Should().Be(0, Run.Everything);
    }

    [Fact]
    public async Task Outage_opens_exactly_one_incident_that_also_sets_the_component()
    {
        await CycleAsync();

        var posts = Cachet.Requests("POST", "/api/v1/incidents");
        posts.Should().ContainSingle();
        var body = JsonNode.Parse(posts[0].Body)!;
        body["name"]!.GetValue<string>().Should().Be("edge-7 is down");
        body["component_id"]!.GetValue<int>().Should().Be(7);
        body["component_status"]!.GetValue<int>().Should().Be(4);
        body["status"]!.GetValue<int>().Should().Be(1);
        body["notify"]!.GetValue<bool>().Should().BeTrue();
        body["message"]!.GetValue<string>().Should().Contain("HTTP 503").And.EndWith("<!-- cachetsync:component=7 -->");
        Cachet.Puts().Should().BeEmpty("on Cachet 2.4 the incident sets the component: no status write");
        Cachet.Requests("GET", "/api/v1/components/7").Should().ContainSingle("one read confirms that it did");
    }

    [Fact]
    public async Task An_incident_whose_component_status_cachet_ignored_is_followed_by_the_write_it_needed()
    {
        var quiet = new CachetStub();
        try
        {
            // The same cycle against a Cachet that takes the incident but not its component_status.
            quiet.WithComponent(7, "edge-7", 1).ServeComponents().AcceptStatusWrites().ServeIncidents(setsComponent: false);
            var config = new JsonObject
            {
                ["Cachet"] = new JsonObject { ["BaseUrl"] = quiet.BaseUrl, ["ApiToken"] = CachetStub.Token },
                ["State"] = new JsonObject { ["Path"] = _state },
                ["Incidents"] = new JsonObject { ["Enabled"] = true },
                ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-7", ["Url"] = Targets.Urls[0] + "/health", ["ComponentId"] = 7 }),
            };

            (await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once")).Should().Be(0, Run.Everything);

            quiet.Requests("POST", "/api/v1/incidents").Should().ContainSingle();
            quiet.Puts().Should().Equal((7, """{"status":4}"""));
            Run.Out.ToString().Should().MatchRegex(@"edge-7 .* Operational -> MajorOutage\s+updated");
        }
        finally
        {
            quiet.Dispose();
        }
    }

    [Fact]
    public async Task Repeated_outage_cycles_open_no_second_incident()
    {
        await CycleAsync();
        await CycleAsync();
        await CycleAsync();

        Cachet.Requests("POST", "/api/v1/incidents").Should().ContainSingle();
    }

    [Fact]
    public async Task Recovery_sets_operational_and_marks_the_incident_fixed()
    {
        await CycleAsync();
        _answer = 200;

        await CycleAsync();

        Cachet.Puts().Should().Equal((7, """{"status":1}"""));
        var updates = Cachet.Requests("POST", "/api/v1/incidents/1/updates");
        updates.Should().ContainSingle();
        JsonNode.Parse(updates[0].Body)!["status"]!.GetValue<int>().Should().Be(4);
        Cachet.Incidents.Single()["status"]!.GetValue<int>().Should().Be(4);
    }

    [Fact]
    public async Task Lost_state_finds_the_open_incident_by_its_marker_instead_of_opening_another()
    {
        await CycleAsync();
        File.Delete(_state);
        Cachet.SetStatusByHand(7, 1);

        await CycleAsync();
        _answer = 200;
        File.Delete(_state);
        await CycleAsync();

        Cachet.Requests("POST", "/api/v1/incidents").Should().ContainSingle("the open incident was found again");
        Cachet.Requests("POST", "/api/v1/incidents/1/updates").Should().ContainSingle();
        Cachet.Server.LogEntries.Where(entry => entry.RequestMessage.Method == "GET" && entry.RequestMessage.Path == "/api/v1/incidents")
            .Should().NotBeEmpty().And.OnlyContain(entry => !entry.RequestMessage.Query!.ContainsKey("page"), "2.4 would filter on a column \"page\"");
    }

    [Fact]
    public async Task An_incident_a_human_deleted_is_not_updated_and_the_next_outage_opens_one_of_its_own()
    {
        await CycleAsync();
        Cachet.DeleteIncident(1);
        _answer = 200;

        await CycleAsync();
        _answer = 503;
        await CycleAsync();

        Cachet.Puts().Should().Equal((7, """{"status":1}"""));
        Cachet.Requests("POST", "/api/v1/incidents/1/updates").Should().BeEmpty("Cachet no longer has incident #1");
        Cachet.Requests("POST", "/api/v1/incidents").Should().HaveCount(2, "the second outage gets an incident of its own");
        Cachet.Incidents.Should().ContainSingle().Which["id"]!.GetValue<int>().Should().Be(2);
        Run.Logs.Lines.Should().Contain(line => line.Contains("the remembered incident #1 is not used: Cachet has no such incident"));
    }

    [Fact]
    public async Task A_state_file_naming_a_human_s_incident_on_another_component_opens_an_incident_of_its_own_and_never_closes_theirs()
    {
        var humans = Cachet.OpenIncidentByHand(componentId: 9, "Payments degraded");
        await File.WriteAllTextAsync(_state, """{"version":1,"components":{"7":{"pendingCycles":0,"openIncident":""" + humans + "}}}");

        await CycleAsync();
        _answer = 200;
        await CycleAsync();

        Cachet.Requests("POST", "/api/v1/incidents").Should().ContainSingle("the outage of edge-7 gets its own incident");
        Cachet.Requests("POST", $"/api/v1/incidents/{humans}/updates").Should().BeEmpty("the human's incident is about another component");
        Cachet.Requests("POST", "/api/v1/incidents/2/updates").Should().ContainSingle("edge-7's own incident is marked Fixed");
        Cachet.Incidents.Single(incident => incident["id"]!.GetValue<int>() == humans)["status"]!.GetValue<int>().Should().Be(1);
    }

    public override void Dispose()
    {
        File.Delete(_state);
        base.Dispose();
    }
}
