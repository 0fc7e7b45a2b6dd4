using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

/// <summary><c>Probe.Retries</c>: confirm before blaming, within one cycle (so <c>--once</c> has it too).</summary>
public sealed class RetryTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();
    private int _answered;

    /// <summary>The server answers these codes in turn (the last one from then on); counted as they are served, not after.</summary>
    private void Answer(params int[] codes) =>
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithCallback(_ =>
        {
            var index = Interlocked.Increment(ref _answered) - 1;
            return new WireMock.ResponseMessage { StatusCode = codes[Math.Min(index, codes.Length - 1)] };
        }));

    private async Task<ProbeResult> ProbeAsync(int retries)
    {
        var settings = ProberFactory.Settings(ProberFactory.Patient) with { Retries = retries, RetryDelay = TimeSpan.FromMilliseconds(50) };
        using var services = ProberFactory.Services(settings);
        var server = new ServerSettings { Name = "edge", Url = new Uri(_server.Urls[0] + "/health"), ComponentId = 1, Thresholds = ProberFactory.Thresholds };
        return (await services.GetRequiredService<ServerProber>().ProbeAllAsync([server], CancellationToken.None)).Single();
    }

    [Fact]
    public async Task One_transient_failure_is_retried_into_ok()
    {
        Answer(503, 200);

        var result = await ProbeAsync(retries: 1);

        result.Should().BeEquivalentTo(new { Kind = ProbeKind.Ok, StatusCode = 200, Attempts = 2, Detail = "HTTP 200 (try 2; before: HTTP 503)" });
        _answered.Should().Be(2);
    }

    [Fact]
    public async Task A_failure_that_repeats_counts()
    {
        Answer(503);

        var result = await ProbeAsync(retries: 1);

        result.Should().BeEquivalentTo(new { StatusCode = 503, Attempts = 2, Detail = "HTTP 503 (failed 2 of 2 tries)" });
        ThresholdMapper.Map(result, null, ProberFactory.Thresholds).Status.Should().Be(ComponentStatus.MajorOutage);
        _answered.Should().Be(2);
    }

    [Fact]
    public async Task When_every_try_fails_the_mildest_failure_is_what_was_confirmed()
    {
        Answer(503, 429, 503);

        var result = await ProbeAsync(retries: 2);

        result.StatusCode.Should().Be(429, "every try was at least as bad as a 429; only one was a 503");
        result.Attempts.Should().Be(3);
        _answered.Should().Be(3);
    }

    [Fact]
    public async Task A_fine_answer_is_not_asked_again()
    {
        Answer(200);

        var result = await ProbeAsync(retries: 3);

        result.Attempts.Should().Be(1);
        _answered.Should().Be(1);
    }

    [Fact]
    public async Task Without_retries_one_failure_counts()
    {
        Answer(503, 200);

        var result = await ProbeAsync(retries: 0);

        result.StatusCode.Should().Be(503);
        _answered.Should().Be(1);
    }

    [Fact]
    public async Task A_connection_failure_is_retried_too()
    {
        var settings = ProberFactory.Settings(ProberFactory.Patient) with { Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(10) };
        using var services = ProberFactory.Services(settings);
        var refused = new ServerSettings { Name = "gone", Url = new Uri($"http://127.0.0.1:{Loopback.RefusedPort}/health"), ComponentId = 1, Thresholds = ProberFactory.Thresholds };

        var result = (await services.GetRequiredService<ServerProber>().ProbeAllAsync([refused], CancellationToken.None)).Single();

        result.Should().BeEquivalentTo(new { Kind = ProbeKind.ConnectionRefused, Attempts = 3, Detail = "connection refused (failed 3 of 3 tries)" });
    }

    public void Dispose() => _server.Dispose();
}
