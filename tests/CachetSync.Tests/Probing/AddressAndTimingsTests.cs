using System.Net;
using System.Net.Sockets;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CachetSync.Tests.Probing;

/// <summary>IPv6 literals, host names, and where a probe's time went (<c>Probe.Timings</c>).</summary>
public sealed class AddressAndTimingsTests : IDisposable
{
    private readonly WireMockServer _server = Loopback.StartWireMock();

    public AddressAndTimingsTests() =>
        _server.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));

    private static async Task<ProbeResult> ProbeAsync(string url, bool verifyTls = true)
    {
        using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient) with { Timings = true });
        return await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(url), verifyTls, CancellationToken.None);
    }

    private int Port => new Uri(_server.Urls[0]).Port;

    [Fact]
    public async Task An_ipv6_literal_is_probed()
    {
        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var v6 = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://[::1]:{port}"] });
        v6.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(204));

        var result = await ProbeAsync($"http://[::1]:{port}/health");

        result.StatusCode.Should().Be(204);
        v6.LogEntries.Single().RequestMessage.ClientIP.Should().Be("::1");
    }

    [Fact]
    public async Task A_host_name_is_resolved_and_its_lookup_timed()
    {
        var result = await ProbeAsync($"http://localhost:{Port}/health");

        result.StatusCode.Should().Be(200);
        result.Timings!.Dns.Should().NotBeNull("localhost is a name: it was looked up");
    }

    [Fact]
    public async Task An_ip_address_has_no_lookup_and_no_tls_but_every_other_phase()
    {
        var result = await ProbeAsync(_server.Urls[0] + "/health");

        result.Timings.Should().BeEquivalentTo(new { Dns = (TimeSpan?)null, Tls = (TimeSpan?)null });
        result.Timings!.Connect.Should().NotBeNull();
        result.Timings.FirstByte.Should().NotBeNull();
        result.Timings.ToString().Should().MatchRegex(@"^connect \d+ ms, first byte \d+ ms$");
    }

    [Fact]
    public async Task An_https_probe_times_its_handshake()
    {
        using var server = new SelfSignedHttpsServer();

        var result = await ProbeAsync(server.Url, verifyTls: false);

        result.Timings!.Tls.Should().NotBeNull();
        result.Timings.ToString().Should().MatchRegex(@"^connect \d+ ms, tls \d+ ms, first byte \d+ ms$");
    }

    [Fact]
    public async Task Timings_are_left_out_unless_asked_for()
    {
        using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient));

        var result = await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(_server.Urls[0] + "/health"), true, CancellationToken.None);

        result.Timings.Should().BeNull();
    }

    public void Dispose() => _server.Dispose();
}
