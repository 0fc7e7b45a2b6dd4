using System.Net.Sockets;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Tests.Probing;

/// <summary><c>icmp://</c> servers, pinged on loopback (the unprivileged paths: Deploy/UnprivilegedIcmpTests).</summary>
public sealed class IcmpProberTests
{
    private static async Task<ProbeResult> ProbeAsync(string url, int pingCount = 3)
    {
        using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient) with { PingCount = pingCount });
        var server = new ServerSettings { Name = "ping", Url = new Uri(url), ComponentId = 1 };
        return (await services.GetRequiredService<ServerProber>().ProbeAllAsync([server], CancellationToken.None)).Single();
    }

    [IcmpFact]
    public async Task Loopback_answers_every_echo()
    {
        var result = await ProbeAsync("icmp://127.0.0.1", pingCount: 4);

        result.Kind.Should().Be(ProbeKind.Ok);
        result.StatusCode.Should().BeNull();
        result.Detail.Should().MatchRegex(@"^4 echoes, mean [\d.]+ ms$");
        ThresholdMapper.Map(result, null, ThresholdSettings.BuiltIn with { SlowAfter = null }).Status.Should().Be(ComponentStatus.Operational);
    }

    [IcmpFact]
    public async Task Ipv6_loopback_answers_too()
    {
        (await ProbeAsync("icmp://[::1]")).Kind.Should().Be(ProbeKind.Ok);
    }

    [Theory]
    [InlineData("icmp://10.0.0.1:80", "\"icmp://10.0.0.1:80\" is a host to ping: icmp://host, without a port or path")]
    [InlineData("icmp://10.0.0.1/health", "\"icmp://10.0.0.1/health\" is a host to ping: icmp://host, without a port or path")]
    public void An_icmp_url_with_a_port_or_path_is_refused(string url, string message)
    {
        var (_, problems) = SettingsReader.Read(
            ConfigTree.Parse($$"""{ "Servers": [ { "Name": "p", "Url": "{{url}}", "ComponentId": 1 } ] }"""), dryRun: true);

        problems.Select(problem => problem.ToString()).Should().Equal($"Servers[0].Url: {message}");
    }

    /// <summary>Skipped, with the reason, where this process may open neither a raw nor a ping socket.</summary>
    private sealed class IcmpFactAttribute : FactAttribute
    {
        public IcmpFactAttribute()
        {
            if (!CanOpen(SocketType.Raw) && !CanOpen(SocketType.Dgram))
            {
                Skip = "this process may send no ICMP (no CAP_NET_RAW, and its group is outside net.ipv4.ping_group_range)";
            }
        }

        private static bool CanOpen(SocketType type)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, type, ProtocolType.Icmp);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
