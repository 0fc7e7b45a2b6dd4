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

    private static List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Listen(Action<MeterListener> act)
    {
        var measured = new List<(string, double, Dictionary<string, object?>)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meter) =>
        {
            if (instrument.Meter.Name == CycleTelemetry.Name)
            {
                meter.EnableMeasurementEvents(instrument);
            }
        };
        void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value);
            lock (measured)
            {
                measured.Add((instrument.Name, value, copy));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.Start();
        act(listener);
        return measured;
    }

    [Fact]
    public void A_cycle_is_counted_by_probe_kind_and_action_with_statuses_and_times_as_gauges()
    {
        var prefix = $"t{Guid.NewGuid():N}";
        using var telemetry = new CycleTelemetry();

        var measured = Listen(listener =>
        {
            telemetry.Record(Summary(prefix));
            listener.RecordObservableInstruments();
        });

        var mine = measured.Where(m => m.Tags.TryGetValue("server", out var server) && ((string)server!).StartsWith(prefix, StringComparison.Ordinal)).ToList();
        mine.Where(m => m.Instrument == "cachetsync.component.status.desired").Select(m => ((string)m.Tags["server"]!, m.Value, m.Tags["component.id"]))
            .Should().BeEquivalentTo([($"{prefix}-down", 4.0, (object?)1), ($"{prefix}-ok", 1.0, (object?)2)]);
        mine.Where(m => m.Instrument == "cachetsync.component.status.current").Select(m => m.Value).Should().Equal(1.0, 1.0);
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
        inCycle.Where(activity => activity.Source.Name == "System.Net.Http" && activity.GetTagItem("url.full") is string url && url.StartsWith(Cachet.BaseUrl, StringComparison.Ordinal))
            .Select(activity => (string)activity.GetTagItem("http.request.method")!)
            .Should().Contain(["GET", "PUT"], "each Cachet call is a span of the cycle's trace");
    }
}
