using System.Text.Json.Nodes;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// CachetSync's own network cut, for real: the native executable in a network namespace of its own, where nothing
/// is reachable — its loopback down (every connect fails), or up with no route beyond it (the resolver unreachable,
/// every name a DnsFailure). A thousand servers then all look dark; the guard must see that it is the prober that is
/// blind, and write nothing. No packet leaves the namespace: it has no route out.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class NetworkCutTests(PublishedApp app) : IDisposable
{
    private const int Fleet = 1000;
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-cut-").FullName;

    private (int ExitCode, JsonNode Summary, string Error) RunCutOff(Func<int, string> url, JsonArray? canaries, bool loopbackUp)
    {
        var servers = new JsonArray();
        for (var i = 1; i <= Fleet; i++)
        {
            servers.Add(new JsonObject { ["Name"] = $"edge-{i}", ["Url"] = url(i), ["ComponentId"] = i });
        }

        var config = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
            ["Guard"] = new JsonObject { ["Canaries"] = canaries ?? [], ["ConfirmAfter"] = "200ms" },
            ["Servers"] = servers,
        }.ToJsonString());
        var up = loopbackUp ? "ip link set lo up && " : "";
        var (exitCode, output, error) = PublishedApp.Run(
            "unshare", $"--net sh -c \"{up}exec {app.Executable} --config {config} --once --dry-run --output json\"", _work, TimeSpan.FromMinutes(2));
        return (exitCode, JsonNode.Parse(output)!, error);
    }

    [RootNativeFact]
    public void With_its_loopback_down_and_canaries_listed_nothing_is_probed_and_it_exits_2()
    {
        var (exitCode, summary, error) = RunCutOff(i => $"http://127.0.0.1:{8000 + (i % 100)}/health", ["tcp://127.0.0.1:53", "http://127.0.0.1:9/ping"], loopbackUp: false);

        exitCode.Should().Be(2, error);
        summary["guard"]!["cause"]!.GetValue<string>().Should().Be("Canaries");
        summary["guard"]!["reason"]!.GetValue<string>().Should().Contain("cannot reach the network").And.Contain("`tcp://127.0.0.1:53`");
        summary["totals"]!["guarded"]!.GetValue<int>().Should().Be(Fleet);
        summary["servers"]!.AsArray().Should().OnlyContain(server => server!["desired"] == null && server["probe"]!.GetValue<string>() == "NotProbed");
    }

    [RootNativeFact]
    public void With_no_route_and_no_canary_a_thousand_dns_failures_are_held_as_a_mass_change()
    {
        var (exitCode, summary, error) = RunCutOff(i => $"https://edge-{i}.example.net/health", canaries: null, loopbackUp: true);

        exitCode.Should().Be(2, error);
        summary["guard"]!["cause"]!.GetValue<string>().Should().Be("MassChange");
        summary["guard"]!["reason"]!.GetValue<string>().Should().Contain($"{Fleet} of {Fleet} servers would get worse at once");
        summary["totals"]!["guarded"]!.GetValue<int>().Should().Be(Fleet);
        summary["totals"]!["dryRun"]!.GetValue<int>().Should().Be(0, "not one Major Outage would be written");
        summary["servers"]![0]!["probe"]!.GetValue<string>().Should().Be("DnsFailure");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
