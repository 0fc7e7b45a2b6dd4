using System.Net;
using System.Net.Sockets;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Tests.Probing;

public sealed class TcpProberTests
{
    private static async Task<ProbeResult> ProbeAsync(string url)
    {
        using var services = ProberFactory.Services(ProberFactory.Settings());
        return await services.GetRequiredService<TcpProber>().ProbeAsync(new Uri(url), CancellationToken.None);
    }

    [Fact]
    public async Task Listening_port_is_ok()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await ProbeAsync($"tcp://127.0.0.1:{port}");

        result.Kind.Should().Be(ProbeKind.Ok);
        result.StatusCode.Should().BeNull();
        result.Detail.Should().Be("connected");
    }

    [Fact]
    public async Task Closed_port_is_connection_refused() =>
        (await ProbeAsync($"tcp://127.0.0.1:{Loopback.RefusedPort}")).Kind.Should().Be(ProbeKind.ConnectionRefused);

    [Fact]
    public async Task Unresolvable_host_is_a_dns_failure() =>
        (await ProbeAsync("tcp://no-such-ingest.invalid:1935")).Kind.Should().Be(ProbeKind.DnsFailure);
}
