using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>Cachet 3, every core: maintenance from status, latest_status or schedules; the open incident found with the API's filter.</summary>
public sealed class Cachet3MaintenanceAndIncidentTests : Cachet3ProgramTest
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"cachetsync-3-{Guid.NewGuid():N}.json");
    private int _answer = 503;

    public Cachet3MaintenanceAndIncidentTests()
    {
        Targets.Given(Request.Create().WithPath("/health").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage { StatusCode = _answer }));
    }

    private string Config(int servers, bool incidents = false) => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = Cachet3Stub.Token, ["ApiVersion"] = 3, ["RespectMaintenance"] = true },
        ["State"] = new JsonObject { ["Path"] = _state },
        ["Incidents"] = new JsonObject { ["Enabled"] = incidents },
        ["Servers"] = new JsonArray(Enumerable.Range(1, servers)
            .Select(id => (JsonNode)new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = Targets.Urls[0] + "/health", ["ComponentId"] = id }).ToArray()),
    }.ToJsonString());

    [Fact]
    public async Task Maintenance_is_respected_from_latest_status_and_from_in_progress_schedules()
    {
        Cachet.WithComponent(1, "edge-1", 1, latest: 6).WithComponent(2, "edge-2", 1).WithComponent(3, "edge-3", 1)
            .ServeSchedules((1, "Rack move", 1, [2]), (2, "Done already", 2, [3]));

        (await Run.RunAsync("--config", Config(servers: 3), "--once")).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().Equal((3, """{"status":4}"""));
        var summary = Run.Out.ToString();
        summary.Should().MatchRegex(@"edge-1 .* maintenance\s+under maintenance: its status is Under Maintenance");
        summary.Should().MatchRegex(@"edge-2 .* maintenance\s+under maintenance: Rack move");
    }

    [Fact]
    public async Task A_core_without_schedules_is_no_warning()
    {
        Cachet.WithComponent(1, "edge-1", 1);

        (await Run.RunAsync("--config", Config(servers: 1), "--once")).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().Equal((1, """{"status":4}"""));
        Cachet.Server.LogEntries.Should().Contain(entry => entry.RequestMessage.Path == "/api/schedules" && Equals(entry.ResponseMessage.StatusCode, 404));
        Run.Logs.Lines.Should().NotContain(line => line.Contains("schedules could not be read"));
    }

    [Fact]
    public async Task Lost_state_finds_the_open_incident_through_the_status_filter_within_a_bounded_search()
    {
        Cachet.RateLimit = 10_000;
        Cachet.WithComponent(1, "edge-1", 1);
        (await Run.RunAsync("--config", Config(servers: 1, incidents: true), "--once")).Should().Be(0, Run.Everything);
        lock (Cachet.Incidents)
        {
            // Someone else's history: 30 newer incidents of other components, some fixed.
            for (var i = 0; i < 30; i++)
            {
                Cachet.Incidents.Add(new JsonObject
                {
                    ["id"] = Cachet.Incidents.Count + 1, ["name"] = "other", ["message"] = "not ours", ["component_id"] = 99, ["status"] = i % 2 == 0 ? 1 : 4,
                    ["stored_status"] = 1, ["notifications"] = false,
                });
            }
        }

        File.Delete(_state);
        _answer = 200;
        (await Run.RunAsync("--config", Config(servers: 1, incidents: true), "--once")).Should().Be(0, Run.Everything);

        Cachet.Posts().Count(post => post.Path == "/api/incidents").Should().Be(1, "no second incident was opened");
        Cachet.Posts().Should().Contain(post => post.Path == "/api/incidents/1/updates", "the open one was found and fixed");
        var searches = Cachet.Server.LogEntries.Where(entry => entry.RequestMessage.Method == "GET" && entry.RequestMessage.Path == "/api/incidents").ToList();
        searches.Should().NotBeEmpty().And.OnlyContain(entry => entry.RequestMessage.Query!["filter[status]"].Single() == "1");
    }

    public override void Dispose()
    {
        File.Delete(_state);
        base.Dispose();
    }
}
