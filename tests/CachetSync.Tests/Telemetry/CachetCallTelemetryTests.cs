using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Telemetry;

/// <summary>Cachet calls and report reads as a metrics system sees them, from full runs against loopback stubs.</summary>
public sealed class CachetCallTelemetryTests : LoopbackProgramTest
{
    private int CachetPort => new Uri(Cachet.BaseUrl).Port;

    private JsonObject Config(JsonObject? reports = null) => new()
    {
        ["Cachet"] = new JsonObject
        {
            ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token,
            ["Resilience"] = new JsonObject { ["MaxRetries"] = 1, ["RetryDelay"] = "10ms", ["BreakAfter"] = 0 },
        },
        ["Reports"] = reports ?? new JsonObject { ["Source"] = "None" },
        ["Servers"] = new JsonArray(
            new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 },
            new JsonObject { ["Name"] = "edge-2", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 2 }),
    };

    public CachetCallTelemetryTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).ServeComponents().AcceptStatusWrites().FailWrite(1, 500, CachetStub.ServerError);
    }

    [Fact]
    public async Task Each_cachet_call_is_measured_once_by_route_and_outcome_and_each_retry_is_counted()
    {
        var config = Run.WriteConfig(Config().ToJsonString());

        var measured = await Measured.WhileAsync(() => Run.RunAsync("--config", config, "--once"));

        var calls = measured
            .Where(m => m.Instrument == "cachetsync.cachet.request.duration" && Equals(m["server.port"], CachetPort))
            .Select(m => ((string)m["http.request.method"]!, (string)m["url.template"]!, m["http.response.status_code"], m["error.type"]))
            .ToList();
        calls.Should().Contain(("GET", "/api/v1/components", (object?)200, (object?)null));
        calls.Where(call => call.Item1 == "PUT").Should().BeEquivalentTo(
            [("PUT", "/api/v1/components/{id}", (object?)500, (object?)"500"), ("PUT", "/api/v1/components/{id}", (object?)200, (object?)null)],
            "one measurement per call: the failed write's two attempts are one call");
        Cachet.Puts().Count(put => put.Id == 1).Should().Be(2, "MaxRetries 1 tried the failing write twice");
        measured.Where(m => m.Instrument == "cachetsync.cachet.retries" && Equals(m["server.port"], CachetPort))
            .Select(m => ((string)m["url.template"]!, m.Value))
            .Should().Equal(("/api/v1/components/{id}", 1.0));
    }

    [Fact]
    public async Task Report_reads_are_counted_by_source_and_outcome()
    {
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).RespondWith(Response.Create().WithStatusCode(500));
        Targets.Given(Request.Create().WithPath("/counts").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"edge-1": 3, "edge-2": "lots"}"""));
        var failing = Run.WriteConfig(Config(new JsonObject { ["Source"] = "Http", ["Url"] = Targets.Urls[0] + "/reports" }).ToJsonString(), "failing.json");
        var partial = Run.WriteConfig(Config(new JsonObject { ["Source"] = "Http", ["Url"] = Targets.Urls[0] + "/counts" }).ToJsonString(), "partial.json");

        var measured = await Measured.WhileAsync(async () =>
        {
            await Run.RunAsync("--config", failing, "--once");
            await Run.RunAsync("--config", partial, "--once");
        });

        measured.Where(m => m.Instrument == "cachetsync.report.reads" && ((string)m["report.source"]!).StartsWith($"HTTP {Targets.Urls[0]}", StringComparison.Ordinal))
            .Select(m => ((string)m["report.source"]!, (string)m["outcome"]!, m.Value))
            .Should().BeEquivalentTo([($"HTTP {Targets.Urls[0]}/reports", "failed", 1.0), ($"HTTP {Targets.Urls[0]}/counts", "partial", 1.0)]);
    }
}
