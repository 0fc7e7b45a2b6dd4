using System.Text.Json.Nodes;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// ICMP as a container without CAP_NET_RAW runs it: the native executable in a network namespace of its own (its
/// loopback, its <c>net.ipv4.ping_group_range</c>; the machine's stay untouched), with CAP_NET_RAW dropped.
/// Needs root to make the namespace, as CI has.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class UnprivilegedIcmpTests(PublishedApp app) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-icmp-").FullName;

    private (int ExitCode, string Out, string Error) RunWithoutRawSockets(bool pingSocketsAllowed)
    {
        var config = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "v4", ["Url"] = "icmp://127.0.0.1", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "v6", ["Url"] = "icmp://[::1]", ["ComponentId"] = 2 }),
        }.ToJsonString());
        // The narrow range the manifests set: this process's own group only (root's here).
        var allow = pingSocketsAllowed ? "sysctl -qw net.ipv4.ping_group_range='0 0' && " : "";
        var script = $"ip link set lo up && {allow}exec setpriv --bounding-set -net_raw --inh-caps -net_raw {app.Executable} --config {config} --once --dry-run --output json";
        return PublishedApp.Run("unshare", $"--net sh -c \"{script}\"", _work, TimeSpan.FromMinutes(1));
    }

    [RootNativeFact]
    public void Echoes_go_out_over_ping_sockets_where_the_kernel_allows_them()
    {
        var (exitCode, output, error) = RunWithoutRawSockets(pingSocketsAllowed: true);

        exitCode.Should().Be(0, error);
        var servers = JsonNode.Parse(output)!["servers"]!.AsArray();
        servers.Select(server => (server!["probe"]!.GetValue<string>(), server["probeDetail"]!.GetValue<string>()))
            .Should().OnlyContain(probe => probe.Item1 == "Ok" && probe.Item2.StartsWith("3 echoes, mean ", StringComparison.Ordinal));
    }

    [RootNativeFact]
    public void Without_ping_sockets_the_servers_are_not_probed_and_the_remedy_is_named()
    {
        var (exitCode, output, error) = RunWithoutRawSockets(pingSocketsAllowed: false);

        exitCode.Should().Be(2, "a server that could not be probed is a failed cycle, never an outage");
        var servers = JsonNode.Parse(output)!["servers"]!.AsArray();
        servers.Should().OnlyContain(server => server!["probe"]!.GetValue<string>() == "NotProbed" && server["desired"] == null);
        // Its own group only, as the manifests set it for theirs; .NET's "ping utility could not be found" is no remedy.
        error.Should().Contain("net.ipv4.ping_group_range=\"0 0\"").And.Contain("CAP_NET_RAW")
            .And.NotContain("2147483647").And.NotContainEquivalentOf("ping utility");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
