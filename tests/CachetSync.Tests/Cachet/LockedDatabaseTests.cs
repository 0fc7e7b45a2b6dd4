using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>
/// A Cachet 2.4 on SQLite refuses a write that comes while another is under way: 400 "bad syntax" with no
/// meta.details (its database locked), nothing written (../shared/cachet-api/README.md, observed 2026-12-07).
/// </summary>
public sealed class LockedDatabaseTests : LoopbackProgramTest
{
    private const int Components = 8;

    public LockedDatabaseTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.ServeComponents();
        for (var id = 1; id <= Components; id++)
        {
            Cachet.WithComponent(id, $"edge-{id}", 1);
        }
    }

    private string Config() => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject
        {
            ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token, ["MaxParallelWrites"] = 4,
            ["Resilience"] = new JsonObject { ["MaxRetries"] = 3, ["RetryDelay"] = "50ms", ["BreakAfter"] = 0 },
        },
        ["Guard"] = new JsonObject { ["Enabled"] = false },
        ["Servers"] = new JsonArray(Enumerable.Range(1, Components)
            .Select(id => (JsonNode)new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = $"{Targets.Urls[0]}/down", ["ComponentId"] = id }).ToArray()),
    }.ToJsonString());

    [Fact]
    public async Task Writes_its_database_refused_in_parallel_are_written_again_one_at_a_time_and_said()
    {
        Cachet.RefuseOverlappingWritesLikeSqlite();

        var exit = await Run.RunAsync("--config", Config(), "--once");

        Cachet.WritesRefusedLocked.Should().BeGreaterThan(0, "four writers at once meet the lock");
        exit.Should().Be(0, Run.Out.ToString());
        Enumerable.Range(1, Components).Select(Cachet.StatusOf).Should().AllBeEquivalentTo(4, "every refused write was sent again until Cachet kept it");
        Run.Out.ToString().Should().Contain($"components: {Components} updated");
        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("its database locked") && line.Contains("one at a time"));
    }

    [Fact]
    public async Task A_validation_error_with_details_is_final_and_sent_once()
    {
        Cachet.AcceptStatusWrites().FailWrite(3, 400,
            """{"errors":[{"id":"926ae1f9-8161-4fbb-8a96-db02aaab0a8a","status":400,"title":"Bad Request","detail":"The request cannot be fulfilled due to bad syntax.","meta":{"details":["The status may not be greater than 4."]}}]}""");

        var exit = await Run.RunAsync("--config", Config(), "--once");

        exit.Should().Be(2);
        Cachet.Puts().Count(put => put.Id == 3).Should().Be(1, "Cachet said what is wrong with the request: sending it again changes nothing");
        Run.Out.ToString().Should().Contain("The status may not be greater than 4.");
        Run.Logs.Lines.Should().NotContain(line => line.Contains("one at a time"));
    }
}
