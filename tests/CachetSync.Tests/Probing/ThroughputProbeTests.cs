using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

/// <summary><c>Probe.Throughput</c>: the rate members get, measured over real loopback sockets.</summary>
public sealed class ThroughputProbeTests : IDisposable
{
    private const long KiB = 1024;
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private static async Task<ProbeResult> ProbeAsync(string url, ThroughputSettings throughput, TimeSpan? timeout = null)
    {
        var request = ProbeRequest.Default with { Throughput = throughput };
        using var services = ProberFactory.Services(ProberFactory.Settings(timeout ?? TimeSpan.FromSeconds(10)) with { Request = request });
        return await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(url), verifyTls: true, CancellationToken.None);
    }

    [Fact]
    public async Task A_body_slower_than_the_minimum_maps_to_slow_with_the_rate_in_the_reason()
    {
        // 8 KiB every 25 ms: never faster than 320 KiB/s, for about 1.2 s.
        using var server = new ThrottledBodyServer(384 * KiB, 8 * 1024, TimeSpan.FromMilliseconds(25)).Start();

        var result = await ProbeAsync(server.Url, new ThroughputSettings(null, 384 * KiB, MinRate: 8 * 1024 * KiB));
        var decision = ThresholdMapper.Map(result, null, ThresholdSettings.BuiltIn);

        result.Throughput!.Bytes.Should().Be(384 * KiB);
        result.Throughput.BytesPerSecond.Should().BeLessThan(server.CeilingBytesPerSecond * 1.5).And.BePositive();
        decision.Status.Should().Be(ComponentStatus.PerformanceIssues);
        decision.Reason.Should().MatchRegex(@"^HTTP 200; \d+(\.\d)? KiB/s < 8 MiB/s over 384 KiB$");
    }

    [Fact]
    public async Task A_body_faster_than_the_minimum_stays_operational()
    {
        _server.Given(Request.Create().WithPath("/1mb.bin").UsingGet())
            .RespondWith(Response.Create().WithBody(new byte[1024 * KiB]));

        var result = await ProbeAsync(_server.Urls[0] + "/1mb.bin", new ThroughputSettings(null, 1024 * KiB, MinRate: 1024 * KiB));

        result.Throughput!.Bytes.Should().Be(1024 * KiB);
        result.Throughput.BytesPerSecond.Should().BeGreaterThan(1024 * KiB, "loopback carries far more than 1 MiB/s");
        ThresholdMapper.Map(result, null, ProberFactory.Thresholds).Status.Should().Be(ComponentStatus.Operational);
    }

    [Fact]
    public async Task Only_the_configured_bytes_are_read_of_a_longer_body()
    {
        using var server = new RawTcpServer(RawTcpServer.Behaviour.EndlessBody);

        var result = await ProbeAsync(server.Url, new ThroughputSettings(null, 256 * KiB, MinRate: 1024));

        result.Throughput!.Bytes.Should().Be(256 * KiB);
        await server.ClientHungUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_body_that_stalls_midway_is_a_timeout_that_says_how_far_it_got()
    {
        using var server = new ThrottledBodyServer(1024 * KiB, 16 * 1024, TimeSpan.FromMilliseconds(10), stallAfter: 64 * KiB).Start();

        var result = await ProbeAsync(server.Url, new ThroughputSettings(null, 1024 * KiB, MinRate: 1024), timeout: TimeSpan.FromSeconds(3));

        result.Kind.Should().Be(ProbeKind.Timeout);
        result.Detail.Should().Match("headers after * ms, then the body stalled after 64 KiB");
    }

    [Fact]
    public async Task A_test_object_is_fetched_after_the_health_answer_and_measured()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithBody("ok"));
        _server.Given(Request.Create().WithPath("/probe/1mb.bin").UsingGet()).RespondWith(Response.Create().WithBody(new byte[1024 * KiB]));

        var result = await ProbeAsync(_server.Urls[0] + "/health", new ThroughputSettings("/probe/1mb.bin", 1024 * KiB, MinRate: 1024));

        result.StatusCode.Should().Be(200);
        result.Throughput!.Bytes.Should().Be(1024 * KiB);
        _server.LogEntries.Select(entry => entry.RequestMessage.Path).Should().Equal("/health", "/probe/1mb.bin");
    }

    [Fact]
    public async Task A_missing_test_object_is_the_answer_the_server_gave()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithBody("ok"));

        var result = await ProbeAsync(_server.Urls[0] + "/health", new ThroughputSettings("/probe/1mb.bin", 1024 * KiB, MinRate: 1024));

        result.StatusCode.Should().Be(404);
        result.Detail.Should().Be("HTTP 404 for /probe/1mb.bin");
        ThresholdMapper.Map(result, null, ThresholdSettings.BuiltIn).Status.Should().Be(ComponentStatus.MajorOutage);
    }

    [Fact]
    public async Task A_failing_health_answer_skips_the_test_object()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));

        var result = await ProbeAsync(_server.Urls[0] + "/health", new ThroughputSettings("/probe/1mb.bin", 1024 * KiB, MinRate: 1024));

        result.StatusCode.Should().Be(503);
        result.Throughput.Should().BeNull();
        _server.LogEntries.Should().ContainSingle();
    }

    public void Dispose() => _server.Dispose();
}
