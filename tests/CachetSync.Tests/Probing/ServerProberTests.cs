using System.Diagnostics;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

public sealed class ServerProberTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private IReadOnlyList<ServerSettings> Servers(int count, string path) =>
        Enumerable.Range(0, count)
            .Select(i => new ServerSettings($"s{i}", new Uri($"{_server.Urls[0]}{path}?server={i}"), i + 1, null, $"s{i}", ThresholdSettings.BuiltIn))
            .ToList();

    [Fact]
    public async Task Hanging_servers_are_probed_in_parallel_so_the_cycle_costs_about_one_timeout()
    {
        _server.Given(Request.Create().WithPath("/hang").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        using var services = ProberFactory.Services(ProberFactory.Settings(TimeSpan.FromSeconds(1)));
        var clock = Stopwatch.StartNew();

        var results = await services.GetRequiredService<ServerProber>().ProbeAllAsync(Servers(40, "/hang"), CancellationToken.None);

        results.Should().HaveCount(40).And.OnlyContain(result => result.Kind == ProbeKind.Timeout);
        // Sequential probing would take 40 s; parallel takes about one timeout. The bound is loose on purpose.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Results_come_back_in_server_order()
    {
        _server.Given(Request.Create().WithPath("/health").WithParam("server", "1").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        _server.Given(Request.Create().WithPath("/health").UsingGet()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200));
        using var services = ProberFactory.Services(ProberFactory.Settings());

        var results = await services.GetRequiredService<ServerProber>().ProbeAllAsync(Servers(3, "/health"), CancellationToken.None);

        results.Select(result => result.StatusCode).Should().Equal(200, 503, 200);
    }

    [Fact]
    public async Task Concurrency_never_exceeds_the_bound()
    {
        _server.Given(Request.Create().WithPath("/slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(300)));
        using var services = ProberFactory.Services(ProberFactory.Settings(TimeSpan.FromSeconds(5), maxConcurrency: 2));
        var clock = Stopwatch.StartNew();

        var results = await services.GetRequiredService<ServerProber>().ProbeAllAsync(Servers(6, "/slow"), CancellationToken.None);

        results.Should().OnlyContain(result => result.StatusCode == 200);
        // Six 300 ms answers two at a time cannot finish in under three rounds.
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(850));
    }

    public void Dispose() => _server.Dispose();
}
