using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Telemetry;

/// <summary>
/// A --once run with the standard OTEL_EXPORTER_OTLP_* variables pushes its metrics and traces before it exits, to a
/// loopback OTLP/HTTP receiver; the protobuf it received is read back field by field (OTLP's .proto numbering).
/// </summary>
public sealed class OtlpExportTests : LoopbackProgramTest
{
    private readonly WireMockServer _collector = Loopback.StartWireMock();

    public OtlpExportTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "edge-1", 1).ServeComponents().AcceptStatusWrites();
        _collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        Run.OpenTelemetryVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Urls[0];
        Run.OpenTelemetryVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
    }

    private string Config(string shutdownTimeout = "10s") => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["ShutdownTimeout"] = shutdownTimeout,
        ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 }),
    }.ToJsonString());

    private List<Protobuf> Received(string path) =>
        _collector.LogEntries.Where(entry => entry.RequestMessage.Path == path).Select(entry => new Protobuf(entry.RequestMessage.BodyAsBytes!)).ToList();

    [Fact]
    public async Task A_once_run_pushes_its_metrics_and_its_trace_before_exiting()
    {
        (await Run.RunAsync("--config", Config(), "--once")).Should().Be(0, Run.Everything);

        // ExportMetricsServiceRequest.resource_metrics(1) → scope_metrics(2) → metrics(2): name(1), gauge(5), sum(7), histogram(9).
        var metrics = Received("/v1/metrics").SelectMany(request => request.Messages(1)).SelectMany(resource => resource.Messages(2))
            .SelectMany(scope => scope.Messages(2)).ToList();
        metrics.Select(metric => metric.String(1)).Should().Contain(
            ["cachetsync.component.status.desired", "cachetsync.cycle.duration", "cachetsync.probes", "cachetsync.cachet.request.duration", "cachetsync.writes"]);
        // Gauge.data_points(1): attributes(7) of KeyValue key(1) / AnyValue(2).string_value(1); as_int(6).
        var desired = metrics.Single(metric => metric.String(1) == "cachetsync.component.status.desired").Message(5)!.Messages(1).ToList();
        desired.Should().ContainSingle(point => point.Messages(7).Any(kv => kv.String(1) == "server" && kv.Message(2)!.String(1) == "edge-1"))
            .Which.Number(6).Should().Be(4UL);

        // ExportTraceServiceRequest.resource_spans(1) → scope_spans(2) → spans(2): name(5).
        var spans = Received("/v1/traces").SelectMany(request => request.Messages(1)).SelectMany(resource => resource.Messages(2))
            .SelectMany(scope => scope.Messages(2)).Select(span => span.String(5)).ToList();
        spans.Should().Contain(["cachetsync.cycle", "cachetsync.probes", "GET /api/v1/components", "PUT /api/v1/components/{id}"]);
    }

    [Fact]
    public async Task A_sharded_run_says_its_shard_in_the_resource_so_k_pods_series_stay_apart()
    {
        (await Run.RunAsync("--config", Config(), "--once", "--shard", "0/2")).Should().Be(0, Run.Everything);

        // ResourceMetrics.resource(1) → Resource.attributes(1): KeyValue key(1) / AnyValue(2).string_value(1).
        var attributes = Received("/v1/metrics").SelectMany(request => request.Messages(1)).Select(resource => resource.Message(1)!)
            .SelectMany(resource => resource.Messages(1)).ToDictionary(kv => kv.String(1)!, kv => kv.Message(2)!.String(1));
        attributes.Should().Contain("cachetsync.shard", "0/2").And.Contain("service.name", "cachetsync");
    }

    [Fact]
    public async Task A_collector_that_hangs_delays_the_exit_by_at_most_the_shutdown_timeout()
    {
        _collector.ResetMappings();
        _collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(90)));
        // The exporter's own limit is 10 s by default: lift it, so only ShutdownTimeout can end the wait.
        Run.OpenTelemetryVariables["OTEL_EXPORTER_OTLP_TIMEOUT"] = "90000";
        var started = DateTime.UtcNow;

        var exitCode = await Run.RunAsync("--config", Config(shutdownTimeout: "2s"), "--once").WaitAsync(TimeSpan.FromSeconds(80));

        exitCode.Should().Be(0, "the cycle itself went well");
        Run.Logs.Lines.Should().Contain(line => line.Contains("OTLP export did not finish within ShutdownTimeout (2 s)"));
        Cachet.Puts().Should().Equal((1, """{"status":4}"""));
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(45), "2 s for the export, not the collector's 90");
    }

    [Fact]
    public async Task A_collector_that_refuses_is_one_warning_and_its_headers_are_sent_but_never_printed()
    {
        _collector.ResetMappings();
        _collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        Run.OpenTelemetryVariables["OTEL_EXPORTER_OTLP_HEADERS"] = "x-api-key=otlp-key-7Qz81kP";

        var exitCode = await Run.RunAsync("--config", Config(), "--once");

        exitCode.Should().Be(0, "telemetry that cannot be delivered does not fail the cycle");
        _collector.LogEntries.Should().NotBeEmpty().And.OnlyContain(entry => entry.RequestMessage.Headers!["x-api-key"].Single() == "otlp-key-7Qz81kP");
        Run.Logs.Lines.Where(line => line.Contains("OTLP export to")).Should().ContainSingle(
            "one warning when exports start failing, not one per request").Which.Should()
            .Contain($"OTLP export to {_collector.Urls[0]}/v1/").And.Contain("answered HTTP 503");
        Run.Everything.Should().NotContain("otlp-key-7Qz81kP");
    }

    [Fact]
    public async Task An_endpoint_or_protocol_the_sdk_would_ignore_is_a_configuration_error_before_any_call()
    {
        Run.OpenTelemetryVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317";
        Run.OpenTelemetryVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http";

        var exitCode = await Run.RunAsync("--config", Config(), "--once");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain("OTEL_EXPORTER_OTLP_ENDPOINT: \"collector:4317\" is not an http:// or https:// URL")
            .And.Contain("OTEL_EXPORTER_OTLP_PROTOCOL: \"http\" is not a protocol this exporter speaks (grpc or http/protobuf)");
        Cachet.RequestCount.Should().Be(0);
        Targets.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_bad_endpoint_is_named_in_the_same_run_as_the_files_own_problems()
    {
        Run.OpenTelemetryVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317";
        var config = Run.WriteConfig(new JsonObject
        {
            ["Probe"] = new JsonObject { ["Timeout"] = "soon" },
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 }),
        }.ToJsonString());

        (await Run.RunAsync("--config", config, "--once", "--dry-run")).Should().Be(1);

        Run.Error.ToString().Should().Contain("invalid configuration (2 problems)")
            .And.Contain("Probe.Timeout: \"soon\" is not a duration").And.Contain("OTEL_EXPORTER_OTLP_ENDPOINT: \"collector:4317\"");
        Targets.LogEntries.Should().BeEmpty();
    }

    public override void Dispose()
    {
        _collector.Dispose();
        base.Dispose();
    }
}
