using System.Diagnostics;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

public sealed class HttpProberTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private async Task<ProbeResult> ProbeAsync(string path, TimeSpan? timeout = null, bool followRedirects = true)
    {
        using var services = ProberFactory.Services(ProberFactory.Settings(timeout, followRedirects));
        return await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(_server.Urls[0] + path), verifyTls: true, CancellationToken.None);
    }

    private void Serve(string path, IResponseBuilder response) =>
        _server.Given(Request.Create().WithPath(path).UsingAnyMethod()).RespondWith(response);

    [Theory]
    [InlineData(200)]
    [InlineData(503)]
    [InlineData(404)]
    public async Task Answered_probe_is_ok_with_the_status_code(int code)
    {
        Serve("/health", Response.Create().WithStatusCode(code));

        var result = await ProbeAsync("/health");

        result.Kind.Should().Be(ProbeKind.Ok);
        result.StatusCode.Should().Be(code);
        result.Latency.Should().BePositive();
    }

    [Fact]
    public async Task Redirect_is_followed_to_the_final_answer()
    {
        Serve("/old", Response.Create().WithStatusCode(302).WithHeader("Location", "/new"));
        Serve("/new", Response.Create().WithStatusCode(200));

        var result = await ProbeAsync("/old");

        result.StatusCode.Should().Be(200);
        _server.LogEntries.Select(entry => entry.RequestMessage.Path).Should().Equal("/old", "/new");
    }

    [Fact]
    public async Task Redirect_is_reported_as_is_when_following_is_off()
    {
        Serve("/old", Response.Create().WithStatusCode(302).WithHeader("Location", "/new"));

        var result = await ProbeAsync("/old", followRedirects: false);

        result.StatusCode.Should().Be(302);
    }

    [Fact]
    public async Task Server_that_never_answers_times_out_within_the_timeout()
    {
        Serve("/hang", Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(20)));
        var clock = Stopwatch.StartNew();

        var result = await ProbeAsync("/hang", timeout: TimeSpan.FromMilliseconds(500));

        result.Kind.Should().Be(ProbeKind.Timeout);
        result.StatusCode.Should().BeNull();
        // Bounded by the timeout, not by the server: a generous margin for a shared machine.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        result.Latency.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450));
    }

    [Theory]
    [InlineData(RawTcpServer.Behaviour.Reset, ProbeKind.ConnectionReset)]
    [InlineData(RawTcpServer.Behaviour.CloseWithoutAnswer, ProbeKind.ConnectionReset)]
    [InlineData(RawTcpServer.Behaviour.Garbage, ProbeKind.ProtocolError)]
    [InlineData(RawTcpServer.Behaviour.Silent, ProbeKind.Timeout)]
    public async Task Misbehaving_socket_is_classified(RawTcpServer.Behaviour behaviour, ProbeKind expected)
    {
        using var server = new RawTcpServer(behaviour);
        using var services = ProberFactory.Services(ProberFactory.Settings(TimeSpan.FromMilliseconds(500)));

        var result = await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(server.Url), verifyTls: true, CancellationToken.None);

        result.Kind.Should().Be(expected, $"{server.Accepted} connections, {result.Detail}, {result.Latency}");
        result.StatusCode.Should().BeNull();
    }

    [Fact]
    public async Task Closed_port_is_connection_refused()
    {
        using var services = ProberFactory.Services(ProberFactory.Settings());

        var result = await services.GetRequiredService<HttpProber>()
            .ProbeAsync(new Uri($"http://127.0.0.1:{Loopback.RefusedPort}/health"), verifyTls: true, CancellationToken.None);

        result.Kind.Should().Be(ProbeKind.ConnectionRefused);
        result.Detail.Should().Be("connection refused");
    }

    [Fact]
    public async Task Unresolvable_host_is_a_dns_failure()
    {
        using var services = ProberFactory.Services(ProberFactory.Settings(TimeSpan.FromSeconds(3)));

        var result = await services.GetRequiredService<HttpProber>()
            .ProbeAsync(new Uri("http://no-such-stream-server.invalid/health"), verifyTls: true, CancellationToken.None);

        result.Kind.Should().Be(ProbeKind.DnsFailure);
    }

    [Fact]
    public async Task Probe_sends_the_user_agent_and_no_cachet_token()
    {
        Serve("/health", Response.Create().WithStatusCode(200));

        await ProbeAsync("/health");

        var headers = _server.LogEntries.Single().RequestMessage.Headers!;
        headers["User-Agent"].Should().Equal("CachetSync-Test/1.0");
        headers.Keys.Should().NotContain(key => key.Equals("X-Cachet-Token", StringComparison.OrdinalIgnoreCase)
            || key.Equals("Cookie", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Every_probe_asks_for_its_own_connection()
    {
        // Reusing a pooled connection would not show a server that stopped accepting new ones, and kept every
        // server's idle connection (and its buffers) alive until the process ends.
        Serve("/health", Response.Create().WithStatusCode(200));

        await ProbeAsync("/health");
        await ProbeAsync("/health");

        _server.LogEntries.Select(entry => entry.RequestMessage.Headers!["Connection"].Single()).Should().Equal("close", "close");
    }

    public void Dispose() => _server.Dispose();
}
