using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using CachetSync.Probing;
using CachetSync.Sync;
using CachetSync.Telemetry;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Telemetry;

/// <summary>The instruments and spans CachetSync publishes, read back the way any exporter would: with listeners.</summary>
public sealed class CycleTelemetryTests : LoopbackProgramTest
{
    private static readonly DateTimeOffset Started = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    private static CycleSummary Summary(string prefix) => new(
        [
            new ServerOutcome($"{prefix}-down", ProbeResult.Answered(503, TimeSpan.FromMilliseconds(40)), null,
                new StatusDecision(ComponentStatus.MajorOutage, "HTTP 503"), 1, ComponentStatus.Operational, SyncAction.Updated, null),
            new ServerOutcome($"{prefix}-ok", ProbeResult.Answered(200, TimeSpan.FromMilliseconds(20)) with
                {
                    Throughput = new BodyRate(1024, 2048, 1000),
                }, null,
                new StatusDecision(ComponentStatus.Operational, "HTTP 200"), 2, ComponentStatus.Operational, SyncAction.Unchanged, null),
        ],
        null, Started, TimeSpan.FromSeconds(5), DryRun: false, Stopped: false);

    [Fact]
    public async Task A_cycle_is_counted_by_probe_kind_and_action_with_statuses_and_times_as_gauges()
    {
        var prefix = $"t{Guid.NewGuid():N}";
        using var telemetry = new CycleTelemetry();

        var measured = await Measured.WhileAsync(() =>
        {
            telemetry.Record(Summary(prefix));
            return Task.CompletedTask;
        });

        var mine = measured.Where(m => m.Tags.TryGetValue("server", out var server) && ((string)server!).StartsWith(prefix, StringComparison.Ordinal)).ToList();
        mine.Where(m => m.Instrument == "cachetsync.component.status.desired").Select(m => ((string)m.Tags["server"]!, m.Value, m.Tags["component.id"]))
            .Should().BeEquivalentTo([($"{prefix}-down", 4.0, (object?)1), ($"{prefix}-ok", 1.0, (object?)2)]);
        mine.Where(m => m.Instrument == "cachetsync.component.status.current").Select(m => ((string)m.Tags["server"]!, m.Value))
            .Should().BeEquivalentTo([($"{prefix}-down", 4.0), ($"{prefix}-ok", 1.0)], "what Cachet shows after the cycle: the status it wrote for -down");
        mine.Where(m => m.Instrument == "cachetsync.probe.duration").Select(m => m.Value).Should().Equal(0.04, 0.02);
        mine.Single(m => m.Instrument == "cachetsync.probe.throughput").Value.Should().Be(2048);
        measured.Should().Contain(m => m.Instrument == "cachetsync.cycle.last_completed" && m.Value == Started.AddSeconds(5).ToUnixTimeSeconds());
        measured.Should().Contain(m => m.Instrument == "cachetsync.cycle.last_successful" && m.Value == Started.AddSeconds(5).ToUnixTimeSeconds());
        measured.Should().Contain(m => m.Instrument == "cachetsync.writes" && (string)m.Tags["action"]! == "updated");
        measured.Should().Contain(m => m.Instrument == "cachetsync.probes" && (string)m.Tags["probe.kind"]! == "Ok");
    }

    [Fact]
    public async Task A_cycle_is_one_trace_whose_spans_hold_the_probes_and_each_cachet_call()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is CycleTelemetry.Name or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        Targets.Given(Request.Create().WithPath("/down")).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "edge-1", 1).ServeComponents().AcceptStatusWrites();
        var config = Run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Servers"] = new JsonArray(Enumerable.Range(1, 7)
                .Select(i => (JsonNode)new JsonObject { ["Name"] = $"edge-{i}", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = i == 1 ? 1 : 100 + i })
                .ToArray()),
        }.ToJsonString());

        await Run.RunAsync("--config", config, "--once");

        List<Activity> seen;
        lock (activities)
        {
            seen = [.. activities];
        }

        var cycle = seen.Single(activity => activity.OperationName == "cachetsync.cycle" && Equals(activity.GetTagItem("cachetsync.servers"), 7));
        var inCycle = seen.Where(activity => activity.TraceId == cycle.TraceId).ToList();
        inCycle.Should().Contain(activity => activity.OperationName == "cachetsync.probes" && activity.ParentSpanId == cycle.SpanId);
        inCycle.Where(activity => activity.Source.Name == CycleTelemetry.Name && activity.Kind == ActivityKind.Client)
            .Select(activity => activity.OperationName)
            .Should().Contain(["GET /api/v1/components", "PUT /api/v1/components/{id}"], "each Cachet call is a client span of the cycle's trace");
        var put = inCycle.First(activity => activity.OperationName == "PUT /api/v1/components/{id}");
        inCycle.Should().Contain(
            activity => activity.Source.Name == "System.Net.Http" && activity.ParentSpanId == put.SpanId,
            "the attempts on the wire are children of the call");
    }
}
