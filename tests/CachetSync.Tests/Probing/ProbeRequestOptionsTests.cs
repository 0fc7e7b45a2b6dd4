using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

/// <summary>What a probe request carries, per server: headers, authentication, a Host for probing an edge by its IP.</summary>
public sealed class ProbeRequestOptionsTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private static async Task<ProbeResult> ProbeAsync(string url, ProbeRequest request, bool verifyTls = true)
    {
        using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient));
        return await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(url), verifyTls, request, CancellationToken.None);
    }

    private IDictionary<string, WireMock.Types.WireMockList<string>> ReceivedHeaders() => _server.LogEntries.Single().RequestMessage.Headers!;

    [Fact]
    public async Task Extra_headers_are_sent()
    {
        _server.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(200));
        var request = ProbeRequest.Default with { Headers = new Dictionary<string, Secret> { ["X-Probe-Key"] = new("k-3d9f0a") } };

        await ProbeAsync(_server.Urls[0] + "/health", request);

        ReceivedHeaders()["X-Probe-Key"].Should().Equal("k-3d9f0a");
    }

    [Fact]
    public async Task Basic_authentication_is_sent_and_answers_ok()
    {
        _server.Given(Request.Create().WithPath("/health").WithHeader("Authorization", "Basic ZWRnZTpzM2NyZXQtcGFzcw=="))
            .RespondWith(Response.Create().WithStatusCode(200));
        _server.Given(Request.Create().WithPath("/health").WithHeader("Authorization", "*", WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(Response.Create().WithStatusCode(401));
        var request = ProbeRequest.Default with { Authorization = new Secret("Basic ZWRnZTpzM2NyZXQtcGFzcw==") };

        var result = await ProbeAsync(_server.Urls[0] + "/health", request);

        result.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task Without_authentication_the_same_server_answers_401()
    {
        _server.Given(Request.Create().WithPath("/health").WithHeader("Authorization", "*", WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(Response.Create().WithStatusCode(401));

        var result = await ProbeAsync(_server.Urls[0] + "/health", ProbeRequest.Default);

        result.StatusCode.Should().Be(401);
    }

    [Fact]
    public async Task Credentials_do_not_follow_a_redirect_to_another_host()
    {
        using var other = Loopback.StartWireMock();
        other.Given(Request.Create().WithPath("/elsewhere")).RespondWith(Response.Create().WithStatusCode(200));
        _server.Given(Request.Create().WithPath("/health"))
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", other.Urls[0].Replace("127.0.0.01", "localhost", StringComparison.Ordinal) + "/elsewhere"));
        var request = ProbeRequest.Default with
        {
            Authorization = new Secret("Bearer t-8c1f2e"), Headers = new Dictionary<string, Secret> { ["X-Api-Key"] = new("key-77aa01") },
        };

        var result = await ProbeAsync(_server.Urls[0] + "/health", request);

        result.StatusCode.Should().Be(200);
        ReceivedHeaders()["Authorization"].Should().Equal("Bearer t-8c1f2e");
        ReceivedHeaders()["X-Api-Key"].Should().Equal("key-77aa01");
        other.LogEntries.Single().RequestMessage.Headers!.Keys.Should().NotContain(["Authorization", "X-Api-Key"]);
    }

    [Fact]
    public async Task Credentials_follow_a_redirect_on_the_same_origin()
    {
        _server.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "/v2/health"));
        _server.Given(Request.Create().WithPath("/v2/health")).RespondWith(Response.Create().WithStatusCode(200));
        var request = ProbeRequest.Default with { Authorization = new Secret("Bearer t-8c1f2e") };

        var result = await ProbeAsync(_server.Urls[0] + "/health", request);

        result.StatusCode.Should().Be(200);
        _server.LogEntries.Select(entry => entry.RequestMessage.Headers!["Authorization"].Single()).Should().Equal("Bearer t-8c1f2e", "Bearer t-8c1f2e");
    }

    [Fact]
    public async Task A_host_override_is_the_host_header_and_the_tls_server_name()
    {
        using var edge = new SelfSignedHttpsServer();
        var request = ProbeRequest.Default with { Host = "edge-7.stream.test" };

        var result = await ProbeAsync(edge.Url, request, verifyTls: false);

        result.StatusCode.Should().Be(200);
        edge.LastServerName.Should().Be("edge-7.stream.test");
        edge.LastRequest.Should().Contain("\r\nHost: edge-7.stream.test\r\n");
    }

    public void Dispose() => _server.Dispose();
}
