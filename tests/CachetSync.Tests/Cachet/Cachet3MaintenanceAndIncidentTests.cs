using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Cachet;

/// <summary>Cachet 3, every core: maintenance from status, latest_status or schedules; the open incident found with the API's filter.</summary>
public sealed class Cachet3MaintenanceAndIncidentTests : IDisposable
{
    private readonly Cachet3Stub _cachet = new();
    private readonly WireMockServer _targets = Loopback.StartWireMock();
    private readonly TestRun _run = new();
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"cachetsync-3-{Guid.NewGuid():N}.json");
    private int _answer = 503;

    public Cachet3MaintenanceAndIncidentTests()
    {
        _targets.Given(Request.Create().WithPath("/health").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage { StatusCode = _answer }));
    }

    private string Config(int servers, bool incidents = false) => _run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = _cachet.BaseUrl, ["ApiToken"] = Cachet3Stub.Token, ["ApiVersion"] = 3, ["RespectMaintenance"] = true },
        ["State"] = new JsonObject { ["Path"] = _state },
        ["Incidents"] = new JsonObject { ["Enabled"] = incidents },
        ["Servers"] = new JsonArray(Enumerable.Range(1, servers)
            .Select(id => (JsonNode)new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = _targets.Urls[0] + "/health", ["ComponentId"] = id }).ToArray()),
    }.ToJsonString());

    [Fact]
    public async Task Maintenance_is_respected_from_latest_status_and_from_in_progress_schedules()
    {
        _cachet.WithComponent(1, "edge-1", 1, latest: 6).WithComponent(2, "edge-2", 1).WithComponent(3, "edge-3", 1)
            .ServeSchedules((1, "Rack move", 1, [2]), (2, "Done already", 2, [3]));

        (await _run.RunAsync("--config", Config(servers: 3), "--once")).Should().Be(0, _run.Everything);

        _cachet.Puts().Should().Equal((3, """{"status":4}"""));
        var summary = _run.Out.ToString();
        summary.Should().MatchRegex(@"edge-1 .* maintenance\s+under maintenance: its status is Under Maintenance");
        summary.Should().MatchRegex(@"edge-2 .* maintenance\s+under maintenance: Rack move");
    }

    [Fact]
    public async Task A_core_without_schedules_is_no_warning()
    {
        _cachet.WithComponent(1, "edge-1", 1);

        (await _run.RunAsync("--config", Config(servers: 1), "--once")).Should().Be(0, _run.Everything);

        _cachet.Puts().Should().Equal((1, """{"status":4}"""));
        _cachet.Server.LogEntries.Should().Contain(entry => entry.RequestMessage.Path == "/api/schedules" && Equals(entry.ResponseMessage.StatusCode, 404));
        _run.Logs.Lines.Should().NotContain(line => line.Contains("schedules could not be read"));
    }

    [Fact]
    public async Task Lost_state_finds_the_open_incident_through_the_status_filter_within_a_bounded_search()
    {
        _cachet.RateLimit = 10_000;
        _cachet.WithComponent(1, "edge-1", 1);
        (await _run.RunAsync("--config", Config(servers: 1, incidents: true), "--once")).Should().Be(0, _run.Everything);
        lock (_cachet.Incidents)
        {
            // Someone else's history: 30 newer incidents of other components, some fixed.
            for (var i = 0; i < 30; i++)
            {
                _cachet.Incidents.Add(new JsonObject
                {
                    ["id"] = _cachet.Incidents.Count + 1, ["name"] = "other", ["message"] = "not ours", ["component_id"] = 99, ["status"] = i % 2 == 0 ? 1 : 4,
                    ["stored_status"] = 1, ["notifications"] = false,
                });
            }
        }

        File.Delete(_state);
        _answer = 200;
        (await _run.RunAsync("--config", Config(servers: 1, incidents: true), "--once")).Should().Be(0, _run.Everything);

        _cachet.Posts().Count(post => post.Path == "/api/incidents").Should().Be(1, "no second incident was opened");
        _cachet.Posts().Should().Contain(post => post.Path == "/api/incidents/1/updates", "the open one was found and fixed");
        var searches = _cachet.Server.LogEntries.Where(entry => entry.RequestMessage.Method == "GET" && entry.RequestMessage.Path == "/api/incidents").ToList();
        searches.Should().NotBeEmpty().And.OnlyContain(entry => entry.RequestMessage.Query!["filter[status]"].Single() == "1");
    }

    public void Dispose()
    {
        File.Delete(_state);
        _run.Dispose();
        _targets.Dispose();
        _cachet.Dispose();
    }
}
