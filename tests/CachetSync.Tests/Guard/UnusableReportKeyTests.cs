using System.Text.Json.Nodes;
using System.Text.Json;
using FluentAssertions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Guard;

/// <summary>
/// A report key whose value is unusable this cycle (two series, a NaN) is a missing count for that server, not zero
/// reports: "a missing count is no evidence" holds per key, not only when the whole source fails.
/// </summary>
public sealed class UnusableReportKeyTests : GuardProgramTest
{
    private const string Query = "sum by (server) (increase(player_timeouts_total[{window}]))";

    private static string Vector(params (string Server, string Value)[] series) => new JsonObject
    {
        ["status"] = "success",
        ["data"] = new JsonObject
        {
            ["resultType"] = "vector",
            ["result"] = new JsonArray(series.Select(one => (JsonNode)new JsonObject
            {
                ["metric"] = new JsonObject { ["server"] = one.Server },
                ["value"] = new JsonArray(1765000000.0, one.Value),
            }).ToArray()),
        },
    }.ToJsonString();

    private void PrometheusAnswers(string body)
    {
        Targets.Reset();
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Targets.Given(Request.Create().WithPath("/api/v1/query")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
    }

    [Fact]
    public async Task Two_series_or_a_NaN_for_a_server_keep_the_outage_its_reports_set()
    {
        var servers = new JsonArray(
            new JsonObject { ["Name"] = "s0", ["Url"] = Targets.Urls[0] + "/ok?s0", ["ComponentId"] = 1 },
            new JsonObject { ["Name"] = "s1", ["Url"] = Targets.Urls[0] + "/ok?s1", ["ComponentId"] = 2 },
            new JsonObject { ["Name"] = "s2", ["Url"] = Targets.Urls[0] + "/ok?s2", ["ComponentId"] = 3 });
        Cachet.WithComponent(1, "s0", 1).WithComponent(2, "s1", 1).WithComponent(3, "s2", 1).ServeComponents().AcceptStatusWrites();
        var config = Config(servers, reports: new JsonObject { ["Source"] = "Prometheus", ["Url"] = Targets.Urls[0], ["Query"] = Query });

        PrometheusAnswers(Vector(("s0", "60"), ("s1", "60"), ("s2", "60")));
        var (firstExit, _) = await RunOnceAsync(config);
        PrometheusAnswers(Vector(("s0", "30"), ("s0", "30"), ("s1", "NaN"), ("s2", "0")));
        var (secondExit, summary) = await RunOnceAsync(config);

        firstExit.Should().Be(0);
        secondExit.Should().Be(0);
        Cachet.Puts().Should().Equal([(1, """{"status":4}"""), (2, """{"status":4}"""), (3, """{"status":4}"""), (3, """{"status":1}""")],
            "s2's count is known (0): it recovers; s0's and s1's are not, and their silence is no recovery");
        var rows = summary.GetProperty("servers");
        rows[0].GetProperty("action").GetString().Should().Be("unchanged");
        rows[0].GetProperty("reason").GetString().Should().Be(
            "HTTP 200; its report count unusable (two series carry server=\"s0\" in the count query: sum them in it, e.g. sum by (server) (...)): stays MajorOutage until the counts can be read");
        rows[1].GetProperty("reason").GetString().Should().StartWith("HTTP 200; its report count unusable (count NaN is not a number of reports)");
        (summary.TryGetProperty("reportsUnavailable", out var unavailable) ? unavailable.ValueKind : JsonValueKind.Null)
            .Should().Be(JsonValueKind.Null, "the source was read: only two of its keys were unusable");
    }
}
