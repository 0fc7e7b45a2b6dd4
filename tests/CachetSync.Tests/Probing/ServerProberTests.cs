using System.Diagnostics;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    private static ServerProber Prober(ServiceProvider services, ProbeSettings settings, ProbeLaunch launch, CapturedLogs? logs = null) =>
        new(services.GetRequiredService<HttpProber>(), services.GetRequiredService<TcpProber>(), services.GetRequiredService<IcmpProber>(), services.GetRequiredService<SetupGate>(), settings, TimeProvider.System,
            logs is null ? NullLogger<ServerProber>.Instance : LoggerFactory.Create(logging => logging.AddProvider(logs)).CreateLogger<ServerProber>(), launch);

    [Fact]
    public async Task Hanging_servers_stop_holding_the_window_after_the_patience_so_the_others_are_not_held_back()
    {
        _server.Given(Request.Create().WithPath("/hang").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(5));
        using var services = ProberFactory.Services(settings);
        // Two hanging servers first fill a window of two.
        var servers = Servers(2, "/hang").Concat(Servers(8, "/health")).ToList();
        var reported = new List<string>();

        var results = await Prober(services, settings, ProbeLaunch.Default with { FirstWindow = 2, Patience = TimeSpan.FromMilliseconds(100) })
            .ProbeAllAsync(servers, CancellationToken.None, (index, _) => { lock (reported) { reported.Add(servers[index].Name); } });

        results.Take(2).Should().OnlyContain(result => result.Kind == ProbeKind.Timeout);
        results.Skip(2).Should().OnlyContain(result => result.StatusCode == 200);
        reported.Take(8).Should().BeEquivalentTo(servers.Skip(2).Select(server => server.Name), "the fast servers answer while the hanging ones still wait");
    }

    [Fact]
    public async Task A_fleet_too_big_for_the_budget_leaves_the_rest_not_judged_and_says_what_it_needs_and_what_to_do()
    {
        _server.Given(Request.Create().WithPath("/hang").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        // Two at a time, each hanging out its 2 s timeout: pairs start at 0 s and 2 s; the third pair's turn (4 s)
        // comes after the last start a 5 s budget allows (3 s), a second away from either.
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(2), maxConcurrency: 2);
        using var services = ProberFactory.Services(settings);
        var logs = new CapturedLogs();

        var results = await Prober(services, settings, ProbeLaunch.Default, logs).ProbeAllAsync(Servers(6, "/hang"), CancellationToken.None, budget: TimeSpan.FromSeconds(5));

        results.Take(4).Should().OnlyContain(result => result.Kind == ProbeKind.Timeout);
        results.Skip(4).Should().OnlyContain(result => result.IsOutOfBudget);
        results[5].Detail.Should().Contain("5 s");
        // A probe's average is measured: a timeout of 2 s, and whatever a busy machine adds to it (2.01 under two CPU burners).
        logs.All.Should().Contain("2 of 6 servers had no turn within its 5 s budget")
            .And.MatchRegex(@"6 servers × 2\.\d\d s a probe on average ÷ 2 at a time").And.Contain("--shard i/");
    }

    [Fact]
    public async Task The_launch_window_grows_while_this_machine_keeps_time_and_halves_when_it_runs_late()
    {
        var window = new LaunchWindow(first: 8, most: 64, cutEvery: TimeSpan.FromHours(1));
        for (var i = 0; i < 8; i++)
        {
            (await window.WaitAsync(TimeSpan.Zero, CancellationToken.None)).Should().BeTrue();
        }

        (await window.WaitAsync(TimeSpan.Zero, CancellationToken.None)).Should().BeFalse("eight fresh probes fill a window of eight");
        window.Release(keptTime: true);
        window.Release(keptTime: true);
        window.Size.Should().Be(10);
        window.Release(keptTime: false);
        window.Size.Should().Be(5, "a late machine halves the window");
        window.Release(keptTime: false);
        window.Size.Should().Be(5, "once per cut interval, as TCP halves once per round trip");
    }

    [Fact]
    public async Task A_probe_waiting_for_the_window_starts_as_soon_as_a_slot_is_given_back_and_never_below_the_least()
    {
        var window = new LaunchWindow(first: 1, most: 2, cutEvery: TimeSpan.Zero);
        (await window.WaitAsync(TimeSpan.Zero, CancellationToken.None)).Should().BeTrue();
        var waiting = window.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        waiting.IsCompleted.Should().BeFalse();

        window.Release(keptTime: false);

        (await waiting).Should().BeTrue();
        window.Size.Should().Be(Math.Min(LaunchWindow.Least, 2));
    }

    public void Dispose() => _server.Dispose();
}
