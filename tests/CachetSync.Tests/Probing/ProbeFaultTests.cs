using System.Diagnostics;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

/// <summary>Probed servers failing the ways real servers fail, over real loopback sockets.</summary>
public sealed class ProbeFaultTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private static async Task<ProbeResult> ProbeAsync(string url, ProbeSettings? settings = null, bool verifyTls = true)
    {
        using var services = ProberFactory.Services(settings ?? ProberFactory.Settings(Timeout));
        return await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(url), verifyTls, CancellationToken.None);
    }

    [Fact]
    public async Task Headers_then_a_stalled_body_is_an_answer_when_only_headers_are_read()
    {
        using var server = new RawTcpServer(RawTcpServer.Behaviour.HeadersThenStall);
        var clock = Stopwatch.StartNew();

        var result = await ProbeAsync(server.Url);

        result.Should().BeEquivalentTo(new { Kind = ProbeKind.Ok, StatusCode = 200 });
        clock.Elapsed.Should().BeLessThan(Timeout, "the body is never waited for");
    }

    [Fact]
    public async Task Stalled_body_is_a_timeout_when_the_probe_reads_some_of_it()
    {
        using var server = new RawTcpServer(RawTcpServer.Behaviour.HeadersThenStall);

        var result = await ProbeAsync(server.Url, ProberFactory.Settings(Timeout) with { Request = ProbeRequest.Default with { MaxBodyBytes = 1024 } });

        result.Kind.Should().Be(ProbeKind.Timeout);
        result.Detail.Should().Match("headers after * ms, then the body stalled after 10 B");
    }

    [Fact]
    public async Task Endless_body_is_not_downloaded()
    {
        using var server = new RawTcpServer(RawTcpServer.Behaviour.EndlessBody);

        var result = await ProbeAsync(server.Url, ProberFactory.Settings(Timeout) with { Request = ProbeRequest.Default with { MaxBodyBytes = 4096 } });

        result.Should().BeEquivalentTo(new { Kind = ProbeKind.Ok, StatusCode = 200 });
        await server.ClientHungUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Whatever the socket buffers swallowed, far less than ten seconds of a loopback stream.
        server.BodyBytesSent.Should().BeLessThan(64L * 1024 * 1024);
    }

    [Fact]
    public async Task Self_signed_certificate_is_a_tls_failure()
    {
        using var server = new SelfSignedHttpsServer();

        var result = await ProbeAsync(server.Url);

        result.Kind.Should().Be(ProbeKind.TlsFailure);
        result.Detail.Should().StartWith("TLS failed");
    }

    [Fact]
    public async Task Self_signed_certificate_is_accepted_for_a_server_with_VerifyTls_false()
    {
        using var server = new SelfSignedHttpsServer();
        using var services = ProberFactory.Services(ProberFactory.Settings(Timeout));
        var servers = new[]
        {
            new ServerSettings { Name = "strict", Url = new Uri(server.Url), ComponentId = 1 },
            new ServerSettings { Name = "lenient", Url = new Uri(server.Url), ComponentId = 2, VerifyTls = false },
        };

        var results = await services.GetRequiredService<ServerProber>().ProbeAllAsync(servers, CancellationToken.None);

        results.Select(result => result.Kind).Should().Equal(ProbeKind.TlsFailure, ProbeKind.Ok);
        results[1].StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task Redirect_loop_is_classified_not_a_hang()
    {
        _server.Given(Request.Create().WithPath("/loop").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "/loop"));

        var result = await ProbeAsync(_server.Urls[0] + "/loop");

        result.StatusCode.Should().Be(302);
        result.Detail.Should().Be("HTTP 302: gave up after 10 redirects (a loop?)");
        _server.LogEntries.Should().HaveCount(11);
        ThresholdMapper.Map(result, null, ThresholdSettings.BuiltIn).Status.Should().Be(ComponentStatus.MajorOutage);
    }

    [Fact]
    public async Task Huge_header_and_big_body_do_no_harm()
    {
        _server.Given(Request.Create().WithPath("/big").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("X-Padding", new string('p', 10_000))
                .WithBody(new string('b', 1024 * 1024)));

        var result = await ProbeAsync(_server.Urls[0] + "/big");

        result.Should().BeEquivalentTo(new { Kind = ProbeKind.Ok, StatusCode = 200 });
    }

    [Fact]
    public async Task Head_method_is_used_when_configured()
    {
        _server.Given(Request.Create().WithPath("/health").UsingHead()).RespondWith(Response.Create().WithStatusCode(204));

        var result = await ProbeAsync(_server.Urls[0] + "/health", ProberFactory.Settings(Timeout) with { Request = ProbeRequest.Default with { Method = HttpMethod.Head } });

        result.StatusCode.Should().Be(204);
        _server.LogEntries.Single().RequestMessage.Method.Should().Be("HEAD");
    }

    public void Dispose() => _server.Dispose();
}
