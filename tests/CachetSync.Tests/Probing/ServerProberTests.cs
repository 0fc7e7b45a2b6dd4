using System.Diagnostics;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

public sealed class ServerProberTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private IReadOnlyList<ServerSettings> Servers(int count, string path) =>
        Enumerable.Range(0, count)
            .Select(i => new ServerSettings { Name = $"s{i}", Url = new Uri($"{_server.Urls[0]}{path}?server={i}"), ComponentId = i + 1 })
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

    private static ServerProber Prober(ServiceProvider services, ProbeSettings settings, ProbeLaunch launch) =>
        new(services.GetRequiredService<HttpProber>(), services.GetRequiredService<TcpProber>(), services.GetRequiredService<IcmpProber>(), services.GetRequiredService<SetupGate>(), settings, TimeProvider.System, NullLogger<ServerProber>.Instance, launch);

    [Fact]
    public async Task Hanging_servers_stop_holding_the_window_after_the_patience_so_the_others_are_not_held_back()
    {
        _server.Given(Request.Create().WithPath("/hang").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(5));
        using var services = ProberFactory.Services(settings);
        // Two hanging servers first fill a window of two; the spread deadline is out of reach (ten timeouts).
        var servers = Servers(2, "/hang").Concat(Servers(8, "/health")).ToList();
        var reported = new List<string>();

        var results = await Prober(services, settings, ProbeLaunch.Default with { Window = 2, Patience = TimeSpan.FromMilliseconds(100), SpreadShare = 10 })
            .ProbeAllAsync(servers, CancellationToken.None, (index, _) => { lock (reported) { reported.Add(servers[index].Name); } });

        results.Take(2).Should().OnlyContain(result => result.Kind == ProbeKind.Timeout);
        results.Skip(2).Should().OnlyContain(result => result.StatusCode == 200);
        reported.Take(8).Should().BeEquivalentTo(servers.Skip(2).Select(server => server.Name), "the fast servers answer while the hanging ones still wait");
    }

    [Fact]
    public async Task No_more_than_the_window_of_fresh_probes_runs_at_once()
    {
        _server.Given(Request.Create().WithPath("/slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(300)));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(5));
        using var services = ProberFactory.Services(settings);
        var clock = Stopwatch.StartNew();

        var results = await Prober(services, settings, ProbeLaunch.Default with { Window = 2, Patience = TimeSpan.FromSeconds(5), SpreadShare = 10 })
            .ProbeAllAsync(Servers(6, "/slow"), CancellationToken.None);

        results.Should().OnlyContain(result => result.StatusCode == 200);
        // Six 300 ms answers two at a time cannot finish in under three rounds.
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(850));
    }

    [Fact]
    public async Task Every_probe_has_started_by_its_share_of_the_spread_whatever_the_window()
    {
        _server.Given(Request.Create().WithPath("/hang").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(2));
        using var services = ProberFactory.Services(settings);
        var clock = Stopwatch.StartNew();

        // A window of one that is never given back before the timeout: only the spread starts the others.
        var results = await Prober(services, settings, ProbeLaunch.Default with { Window = 1, Patience = TimeSpan.FromSeconds(30), SpreadShare = 0.25 })
            .ProbeAllAsync(Servers(4, "/hang"), CancellationToken.None);

        results.Should().OnlyContain(result => result.Kind == ProbeKind.Timeout);
        // One after the other would take 8 s; started by 0, 0.125, 0.25 and 0.375 s they all end by about 2.4 s.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6));
    }

    public void Dispose() => _server.Dispose();
}
