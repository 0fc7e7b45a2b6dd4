using System.Text.Json.Nodes;
using FluentAssertions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Guard;

/// <summary>A report source that cannot be read: the probes decide alone, and a missing count changes nothing.</summary>
public sealed class ReportsUnavailableTests : GuardProgramTest
{
    public ReportsUnavailableTests()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).RespondWith(Response.Create().WithStatusCode(500).WithBody("database is down"));
    }

    private JsonObject Reports => new() { ["Source"] = "Http", ["Url"] = Targets.Urls[0] + "/reports" };

    [Fact]
    public async Task A_status_the_counts_set_is_not_improved_by_their_absence_and_worsenings_still_go_out()
    {
        // edge-1: answers, but was Partial outage (members' reports); edge-2: down now.
        var servers = Fleet(2, i => i == 1 ? Targets.Urls[0] + "/ok" : Closed, status: 3);
        Cachet.WithComponent(2, "edge-2", 1);

        var (exit, summary) = await RunOnceAsync(Config(servers, reports: Reports));

        exit.Should().Be(0);
        Cachet.Puts().Should().Equal((2, """{"status":4}"""));
        var first = summary.GetProperty("servers")[0];
        first.GetProperty("action").GetString().Should().Be("unchanged");
        first.GetProperty("reason").GetString().Should().Be("HTTP 200; reports unavailable: stays PartialOutage until the counts can be read");
        summary.GetProperty("servers")[1].GetProperty("reason").GetString().Should().EndWith("; reports unavailable");
        summary.GetProperty("reportsUnavailable").GetString().Should().Contain("500");
    }

    [Fact]
    public async Task The_self_component_shows_the_report_source_down_as_performance_issues()
    {
        Cachet.WithComponent(42, "CachetSync monitoring", 1);
        var (exit, _) = await RunOnceAsync(Config(Fleet(1, _ => Targets.Urls[0] + "/ok"), new JsonObject { ["SelfComponentId"] = 42 }, Reports));

        exit.Should().Be(0);
        Cachet.Puts().Should().Equal((42, """{"status":2}"""));
    }
}
