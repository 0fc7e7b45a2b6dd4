using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// CachetSync's own resolver dead, for real: the native executable in a mount namespace whose /etc/resolv.conf names a
/// resolver on 127.0.0.1:53 that takes every query and never answers (a bound UDP socket nobody reads). getaddrinfo
/// then waits out its own timeouts per name. A silent resolver says nothing about the servers: the cycle stays about
/// one probe timeout, Cachet and the servers by address are handled as ever, and no name is written an outage.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class DeadResolverTests(PublishedApp app) : IDisposable
{
    private const int ByName = 300;
    private const int ByAddress = 10;
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-resolver-").FullName;

    [RootNativeFact]
    public void A_silent_resolver_leaves_named_servers_unjudged_within_one_timeout_and_the_rest_of_the_cycle_as_ever()
    {
        using var silentResolver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silentResolver.Bind(new IPEndPoint(IPAddress.Loopback, 53));
        using var cachet = new CachetStub();
        for (var id = 1; id <= ByName + ByAddress; id++)
        {
            cachet.WithComponent(id, $"edge-{id}", 1);
        }

        cachet.ServeComponents().AcceptStatusWrites();
        using var targets = Loopback.StartWireMock();
        targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var servers = new JsonArray();
        for (var id = 1; id <= ByName; id++)
        {
            // Plain HTTP, HTTPS and TCP each look names up their own way.
            var url = (id % 3) switch { 0 => $"http://edge-{id}.example.net/health", 1 => $"https://edge-{id}.example.net/health", _ => $"tcp://edge-{id}.example.net:80" };
            servers.Add(new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = url, ["ComponentId"] = id });
        }

        for (var id = ByName + 1; id <= ByName + ByAddress; id++)
        {
            servers.Add(new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = targets.Urls[0] + (id % 2 == 0 ? "/down" : "/ok"), ["ComponentId"] = id });
        }

        var config = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
            ["Servers"] = servers,
        }.ToJsonString());
        var resolvConf = Path.Combine(_work, "resolv.conf");
        File.WriteAllText(resolvConf, "nameserver 127.0.0.1\n");

        var (exitCode, output, error) = PublishedApp.Run(
            "unshare", $"--mount sh -c \"mount --bind {resolvConf} /etc/resolv.conf && exec {app.Executable} --config {config} --once --output json\"",
            _work, TimeSpan.FromMinutes(2));

        var summary = JsonNode.Parse(output)!;
        exitCode.Should().Be(2, "servers the prober could not judge make a failed cycle\n" + error);
        summary["cachetError"].Should().BeNull("Cachet, by address, was read as ever");
        summary["durationMs"]!.GetValue<double>().Should().BeLessThan(5_000, "a dead resolver costs about one 2 s timeout (bounded at 1.5), not a lookup's 10 s per name");
        var rows = summary["servers"]!.AsArray().Select(row => row!).ToList();
        // Each row is said in one line on failure: the whole JSON of 300 rows would bury the one that is wrong.
        var blamed = rows.Take(ByName)
            .Where(row => row["probe"]!.GetValue<string>() != "NotProbed" || row["desired"] != null || !row["probeDetail"]!.GetValue<string>().Contains("resolver", StringComparison.Ordinal))
            .Select(row => $"{row["server"]}: {row["probe"]} {row["probeDetail"]} -> {row["desired"]}");
        blamed.Should().BeEmpty("a silent resolver is this machine's fault, never the server's: each named server is not judged, and says why");
        rows.Skip(ByName).Select(row => row["action"]!.GetValue<string>())
            .Should().Equal(Enumerable.Range(ByName + 1, ByAddress).Select(id => id % 2 == 0 ? "updated" : "unchanged"), "servers by address are probed as ever");
        cachet.Puts().Should().HaveCount(ByAddress / 2).And.OnlyContain(put => put.Id > ByName && put.Body == """{"status":4}""");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
