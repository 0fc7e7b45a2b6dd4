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

/// <summary>
/// Issue 26, item 3: this machine's own load — its lag, its queue for lookups and handshakes, its own burst of
/// probes — is never a server's latency. A machine running late is made up here (<see cref="SchedulerLag.Constant"/>):
/// the real one is what the benchmark measures, never a timed test.
/// </summary>
public sealed class OwnLoadTests : IDisposable
{
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(1800);

    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private ServerSettings Server(string path, string host = "127.0.0.1") =>
        new() { Name = "edge", Url = new Uri($"http://{host}:{_server.Ports[0]}{path}"), ComponentId = 1 };

    private static ServerProber Prober(ServiceProvider services, ProbeSettings settings, ProbeLaunch? launch = null, SchedulerLag? lag = null) =>
        new(services.GetRequiredService<HttpProber>(), services.GetRequiredService<TcpProber>(), services.GetRequiredService<IcmpProber>(),
            services.GetRequiredService<SetupGate>(), settings, TimeProvider.System, NullLogger<ServerProber>.Instance, launch,
            lag is null ? null : () => lag);

    /// <summary>The HTTP prober with a gate of the test's own, so the test can hold its turns.</summary>
    private static HttpProber Http(ServiceProvider services, ProbeSettings settings, SetupGate gate) =>
        new(services.GetRequiredService<IHttpClientFactory>(), settings, TimeProvider.System, gate);

    private int Requests(string path) => _server.LogEntries.Count(entry => entry.RequestMessage.Path == path);

    [Fact]
    public async Task A_machine_running_late_starts_no_probe_and_judges_nobody()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(1));
        using var services = ProberFactory.Services(settings);
        using var late = SchedulerLag.Constant(TimeSpan.FromSeconds(1));

        var results = await Prober(services, settings, lag: late).ProbeAllAsync([Server("/health"), Server("/health")], CancellationToken.None);

        results.Should().OnlyContain(result => result.Kind == ProbeKind.NotProbed
            && result.Detail.StartsWith(ProbeResult.NotJudgedPrefix + "this machine ran 1000 ms late", StringComparison.Ordinal));
        Requests("/health").Should().Be(0, "a probe started while the machine cannot keep its own timers measures the machine");
    }

    [Fact]
    public async Task An_answer_slow_only_by_the_machine_s_own_lag_is_not_judged_and_never_performance_issues()
    {
        _server.Given(Request.Create().WithPath("/slow").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(Slow));
        var settings = ProberFactory.Settings(ProberFactory.Patient);
        using var services = ProberFactory.Services(settings);
        // 2 s late all along, yet let through the launch: the answers are then measured under that lag.
        using var late = SchedulerLag.Constant(TimeSpan.FromSeconds(2));
        var launch = ProbeLaunch.Default with { LagLimit = TimeSpan.FromSeconds(5) };

        var results = await Prober(services, settings, launch, late).ProbeAllAsync([Server("/slow")], CancellationToken.None);

        results[0].Kind.Should().Be(ProbeKind.NotProbed);
        results[0].Detail.Should().StartWith(ProbeResult.NotJudgedPrefix + "slow only while this machine itself ran late");
        Requests("/slow").Should().Be(2, "the slow answer was looked at again, and was again no slower than the lag");
    }

    [Fact]
    public async Task A_slow_first_answer_is_looked_at_again_and_the_fast_second_one_decides()
    {
        _server.Given(Request.Create().WithPath("/edge").UsingGet()).InScenario("edge").WillSetStateTo("calm")
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(Slow));
        _server.Given(Request.Create().WithPath("/edge").UsingGet()).InScenario("edge").WhenStateIs("calm")
            .RespondWith(Response.Create().WithStatusCode(200));
        var settings = ProberFactory.Settings(ProberFactory.Patient);
        using var services = ProberFactory.Services(settings);

        var results = await Prober(services, settings).ProbeAllAsync([Server("/edge")], CancellationToken.None);

        ThresholdMapper.Map(results[0], reports: null, ThresholdSettings.BuiltIn).Status.Should().Be(ComponentStatus.Operational);
        results[0].Latency.Should().BeLessThan(Slow);
        results[0].Detail.Should().Contain("probed again once this machine's burst of probes was over: the first answer took");
    }

    [Fact]
    public async Task A_server_slow_again_stays_slow()
    {
        _server.Given(Request.Create().WithPath("/slow").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(Slow));
        var settings = ProberFactory.Settings(ProberFactory.Patient);
        using var services = ProberFactory.Services(settings);

        var results = await Prober(services, settings).ProbeAllAsync([Server("/slow")], CancellationToken.None);

        ThresholdMapper.Map(results[0], reports: null, ThresholdSettings.BuiltIn).Status.Should().Be(ComponentStatus.PerformanceIssues);
        results[0].Latency.Should().BeGreaterThan(ThresholdSettings.BuiltIn.SlowAfter!.Value);
        results[0].Detail.Should().Contain("probed again");
        Requests("/slow").Should().Be(2);
    }

    [Fact]
    public async Task A_second_look_gives_up_soon_after_the_first_answer_s_latency_and_the_first_answer_stands()
    {
        _server.Given(Request.Create().WithPath("/slower").UsingGet()).InScenario("slower").WillSetStateTo("worse")
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)));
        _server.Given(Request.Create().WithPath("/slower").UsingGet()).InScenario("slower").WhenStateIs("worse")
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(9)));
        var settings = ProberFactory.Settings(ProberFactory.Patient);
        using var services = ProberFactory.Services(settings);
        var clock = Stopwatch.StartNew();

        var results = await Prober(services, settings).ProbeAllAsync([Server("/slower")], CancellationToken.None);

        ThresholdMapper.Map(results[0], reports: null, ThresholdSettings.BuiltIn).Status.Should().Be(ComponentStatus.PerformanceIssues);
        results[0].Detail.Should().EndWith("(probed again once this machine's burst of probes was over: no answer sooner)");
        // Waiting out the second answer would take 11 s in all: a second look is cut at 1.25 × the first's 2 s.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task An_answer_bad_whatever_its_latency_is_not_looked_at_again()
    {
        _server.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503).WithDelay(Slow));
        var settings = ProberFactory.Settings(ProberFactory.Patient);
        using var services = ProberFactory.Services(settings);

        var results = await Prober(services, settings).ProbeAllAsync([Server("/down")], CancellationToken.None);

        results[0].StatusCode.Should().Be(503);
        Requests("/down").Should().Be(1, "a 503 is a major outage fast or slow: a second look could not change it");
    }

    [Fact]
    public async Task A_timeout_after_a_prompt_connect_is_a_hanging_server_and_gets_no_second_look()
    {
        _server.Given(Request.Create().WithPath("/hang").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(1));
        using var services = ProberFactory.Services(settings);

        var results = await Prober(services, settings).ProbeAllAsync([Server("/hang")], CancellationToken.None);

        results[0].Kind.Should().Be(ProbeKind.Timeout);
        results[0].ConnectedAfter.Should().BeLessThan(TimeSpan.FromSeconds(1), "loopback accepts at once; only the answer never comes");
        results[0].Detail.Should().NotContain("probed again", "a second look is for a connect that waited out a SYN retransmission, not for a server that hangs");
    }

    [Fact]
    public async Task A_server_whose_connect_waited_out_a_SYN_retransmission_gets_a_whole_timeout_from_its_connection()
    {
        using var queue = FullListenQueue.Start();
        // Bound 6 s: a connect after 1 s (or, on a test running late, after the kernel's next retry at 3 s) still leaves 4 s.
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(4));
        using var services = ProberFactory.Services(settings);

        var probing = Prober(services, settings).ProbeAllAsync([queue.Server], CancellationToken.None);
        var requests = await queue.NeverAnswerAsync(probing);
        var result = (await probing)[0];

        result.Kind.Should().Be(ProbeKind.Timeout, $"the server was silent for a whole timeout after its connection ({result.Detail})");
        result.ConnectedAfter.Should().BeGreaterThanOrEqualTo(HttpProber.SynRetransmission);
        (result.Latency - result.ConnectedAfter!.Value).Should().BeGreaterThanOrEqualTo(settings.Timeout, "the second the connect lost was no time the server had to answer");
        result.Detail.Should().Contain("after a connect that took").And.Contain("SYN retransmission");
        requests.Should().Be(1, "a server that had its whole timeout needs no second look");
    }

    [Fact]
    public async Task A_request_the_server_took_in_only_after_its_connect_gets_a_whole_timeout_from_then_or_is_not_judged()
    {
        using var queue = FullListenQueue.Start();
        // Bound 6 s. The connects come after ~1 s or later; one request waits in the queue, and of the others, those
        // whose SYN got through together with it are dropped with their handshake's last packet: they reach the server
        // only at a retransmission after the 2.5 s hold. (Which of the four does which is the kernel's timing; each
        // kind of server is held to its own rule.)
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(4));
        using var services = ProberFactory.Services(settings);
        ServerSettings[] servers = [queue.ServerAt("/edge-a", 1), queue.ServerAt("/edge-b", 2), queue.ServerAt("/edge-c", 3), queue.ServerAt("/edge-d", 4)];

        var probing = Prober(services, settings).ProbeAllAsync(servers, CancellationToken.None);
        var arrived = await queue.HoldThenNeverAnswerAsync(probing, TimeSpan.FromMilliseconds(2500));
        var results = await probing;

        for (var i = 0; i < servers.Length; i++)
        {
            var path = servers[i].Url.AbsolutePath;
            var result = results[i];
            if (result.Kind == ProbeKind.Timeout && arrived.TryGetValue(path, out var request) && request.TakenLate)
            {
                // Not in the queue when the hold ended, so the kernel had not taken it in: the server had it from its arrival only.
                (result.Latency - (request.At - TimeSpan.FromMilliseconds(150))).Should().BeGreaterThanOrEqualTo(settings.Timeout,
                    $"{path} is judged a timeout only after a whole timeout with its request ({result.Detail}; its request came at {request.At.TotalMilliseconds:0} ms)");
            }

            (result.Kind == ProbeKind.Timeout || result.IsNotJudged).Should().BeTrue($"{path}: the server never answers ({result.Kind}: {result.Detail})");
        }
    }

    [Fact]
    public async Task A_connect_too_late_for_a_whole_timeout_within_the_cycle_s_bound_is_not_judged()
    {
        using var queue = FullListenQueue.Start();
        // Bound 2.7 s: a connect after 1 s leaves 1.7 s, less than the 1.8 s timeout.
        var settings = ProberFactory.Settings(TimeSpan.FromMilliseconds(1800));
        using var services = ProberFactory.Services(settings);

        var probing = Prober(services, settings).ProbeAllAsync([queue.Server], CancellationToken.None);
        await queue.NeverAnswerAsync(probing);
        var result = (await probing)[0];

        result.IsNotJudged.Should().BeTrue($"the server had less than a timeout to answer, and no timeout was its fault ({result.Kind}: {result.Detail})");
        result.Detail.Should().Contain("too late in the cycle for a whole timeout");
        result.Latency.Should().BeLessThan(TimeSpan.FromSeconds(4), "the probe ends at the cycle's bound, never later");
    }

    [Fact]
    public async Task Waiting_for_a_turn_at_the_lookups_is_neither_latency_nor_timeout()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(2));
        using var services = ProberFactory.Services(settings);
        var gate = new SetupGate(handshakes: 1, lookups: 1);
        var http = Http(services, settings, gate);
        var named = Server("/health", host: "localhost").Url;
        var held = await gate.TakeAsync(named, TimeSpan.Zero, CancellationToken.None);
        var clock = Stopwatch.StartNew();

        // The only turn is held for 2.5 s: longer than the whole timeout, within the 3 s the probe may wait for a turn.
        var probe = http.ProbeAsync(named, verifyTls: true, settings.Request, CancellationToken.None, turnWithin: TimeSpan.FromSeconds(3));
        await Task.Delay(TimeSpan.FromMilliseconds(2500));
        held!.Release();
        var result = await probe;

        result.StatusCode.Should().Be(200, "the queue for a turn is this machine's, and the timeout starts after it");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(2500));
        result.Latency.Should().BeLessThan(TimeSpan.FromSeconds(2), "the latency starts with the turn");
    }

    [Fact]
    public async Task A_probe_that_gets_no_turn_in_time_is_not_judged_and_sends_nothing()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(1));
        using var services = ProberFactory.Services(settings);
        var gate = new SetupGate(handshakes: 1, lookups: 1);
        var http = Http(services, settings, gate);
        var named = Server("/health", host: "localhost").Url;
        using var held = await gate.TakeAsync(named, TimeSpan.Zero, CancellationToken.None);

        var result = await http.ProbeAsync(named, verifyTls: true, settings.Request, CancellationToken.None);

        result.Kind.Should().Be(ProbeKind.NotProbed);
        result.Detail.Should().Be(ProbeResult.NotJudgedPrefix + "no turn within 0.5 s at this machine's 1 name lookup at a time (its resolver slow or its CPU busy)");
        Requests("/health").Should().Be(0);
    }

    [Fact]
    public async Task A_probe_by_ip_address_over_plain_http_takes_no_turn()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(1));
        using var services = ProberFactory.Services(settings);
        var gate = new SetupGate(handshakes: 1, lookups: 1);
        var http = Http(services, settings, gate);
        using var lookups = await gate.TakeAsync(Server("/", host: "localhost").Url, TimeSpan.Zero, CancellationToken.None);

        var result = await http.ProbeAsync(Server("/health").Url, verifyTls: true, settings.Request, CancellationToken.None);

        result.StatusCode.Should().Be(200, "there is nothing to look up and no handshake, so the held lookup turn is no reason to wait");
    }

    public void Dispose() => _server.Dispose();
}
