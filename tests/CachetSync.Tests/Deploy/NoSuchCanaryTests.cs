using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// A canary whose name does not exist, for real: the native executable in a mount namespace whose /etc/resolv.conf
/// names a resolver on 127.0.0.1:53 that answers every query NXDOMAIN. The resolver answered, so this machine is not
/// blind: the cycle goes on and says the canary is a configuration mistake (as the example's made-up names are on
/// any laptop), never "this machine cannot reach the network".
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class NoSuchCanaryTests(PublishedApp app) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-nxdomain-").FullName;

    [RootNativeFact]
    public void A_canary_the_resolver_says_does_not_exist_is_a_configuration_problem_and_the_servers_are_probed()
    {
        using var resolver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        resolver.Bind(new IPEndPoint(IPAddress.Loopback, 53));
        using var answering = new CancellationTokenSource();
        var answers = Task.Run(() => AnswerNxdomainAsync(resolver, answering.Token));
        using var targets = Loopback.StartWireMock();
        targets.Given(Request.Create().WithPath("/down")).RespondWith(Response.Create().WithStatusCode(503));
        var config = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
            ["Guard"] = new JsonObject { ["Canaries"] = new JsonArray("tcp://gateway.example.net:53") },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "edge-1", ["Url"] = targets.Urls[0] + "/down", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "edge-2", ["Url"] = "https://edge-2.example.net/health", ["ComponentId"] = 2 }),
        }.ToJsonString());
        var resolvConf = Path.Combine(_work, "resolv.conf");
        File.WriteAllText(resolvConf, "nameserver 127.0.0.1\noptions attempts:1\n");

        var (exitCode, output, error) = PublishedApp.Run(
            "unshare", $"--mount sh -c \"mount --bind {resolvConf} /etc/resolv.conf && exec {app.Executable} --config {config} --once --dry-run --output json\"",
            _work, TimeSpan.FromMinutes(2));
        answering.Cancel();

        var summary = JsonNode.Parse(output)!;
        exitCode.Should().Be(2, "a guard configured with a canary that does not exist must be fixed\n" + error);
        summary["guard"].Should().BeNull("the resolver answered: this machine is not blind");
        summary["canaryProblem"]!.GetValue<string>().Should().Be(
            "canary `tcp://gateway.example.net:53` does not exist (NXDOMAIN): set Guard.Canaries to hosts outside the fleet that this machine should always reach");
        var rows = summary["servers"]!.AsArray();
        rows[0]!["desired"]!.GetValue<string>().Should().Be("MajorOutage", "the servers are probed as ever");
        rows[1]!["probe"]!.GetValue<string>().Should().Be("DnsFailure");
        rows[1]!["probeDetail"]!.GetValue<string>().Should().StartWith("no such name (NXDOMAIN)");
        error.Should().NotContain("cannot reach the network");
    }

    /// <summary>Answers each query with its own id and question, NXDOMAIN (RCODE 3), no records: "no such name".</summary>
    private static async Task AnswerNxdomainAsync(Socket resolver, CancellationToken stop)
    {
        var buffer = new byte[512];
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult query;
            try
            {
                query = await resolver.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (query.ReceivedBytes < 12)
            {
                continue;
            }

            // The question: labels up to the root's 0, then type and class.
            var end = 12;
            while (end < query.ReceivedBytes && buffer[end] != 0)
            {
                end += buffer[end] + 1;
            }

            end += 5;
            var answer = buffer[..Math.Min(end, query.ReceivedBytes)];
            // A response (QR), recursion desired and available, RCODE 3: NXDOMAIN.
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(2), 0x8183);
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(4), 1);
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(6), 0);
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(8), 0);
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(10), 0);
            await resolver.SendToAsync(answer, SocketFlags.None, query.RemoteEndPoint, stop);
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
