using System.Text.Json.Nodes;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// The writer's path to part of the fleet cut for real (nft drops its packets), the witness in the fleet's own
/// namespace: whatever share is cut, no healthy server may be written worse, and the really down ones (nothing
/// listening) are written Major Outage in the first cycle, confirmed by the witness. Native executables, as deployed.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class WitnessPathCutTests(PublishedApp app) : IDisposable
{
    private const int Servers = 40;
    private const int Listening = 36;
    private const string Token = "path-cut-witness-token-0123456789";
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-pathcut-").FullName;

    private JsonObject Config(JsonObject? witness = null, JsonObject? guard = null)
    {
        var servers = new JsonArray();
        for (var i = 1; i <= Servers; i++)
        {
            servers.Add(new JsonObject { ["Name"] = $"edge-{i}", ["Url"] = CutPath.Url(i), ["ComponentId"] = i });
        }

        return new JsonObject
        {
            ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
            ["Guard"] = guard ?? new JsonObject(),
            ["Witness"] = witness ?? new JsonObject(),
            ["Servers"] = servers,
        };
    }

    private string Write(string name, JsonObject config)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [PathCutFact]
    public async Task Cut_40_80_and_100_percent_write_no_healthy_server_worse_and_the_really_down_at_once()
    {
        using var path = new CutPath(Servers, Listening);
        var witnessConfig = Write("witness.json", Config(witness: new JsonObject { ["Listen"] = $"{CutPath.WitnessAddress}:9470", ["Token"] = Token }));
        using var witness = PublishedApp.Start("ip", $"netns exec {path.Fleet} {app.Executable} --witness --config {witnessConfig}", _work);
        var writerConfig = Write("writer.json", Config(guard: new JsonObject
        {
            ["Witnesses"] = new JsonArray($"http://{CutPath.WitnessAddress}:9470"), ["WitnessToken"] = Token, ["ConfirmAfter"] = "200ms",
        }));
        await WaitForWitnessAsync(path);

        foreach (var cut in new[] { Servers * 4 / 10, Servers * 8 / 10, Listening })
        {
            path.CutFirst(cut);
            var (exit, output, error) = PublishedApp.Run(
                "ip", $"netns exec {path.Writer} {app.Executable} --config {writerConfig} --once --dry-run --output json", _work, TimeSpan.FromMinutes(1));
            var servers = JsonNode.Parse(output)!["servers"]!.AsArray();
            var rows = servers.Select((server, k) => (Index: k + 1, Action: server!["action"]!.GetValue<string>(), Desired: server["desired"]?.GetValue<string>(),
                Note: server["note"]?.GetValue<string>())).ToList();

            rows.Where(row => row.Index <= Listening && row.Action == "dry-run").Should()
                .NotContain(row => row.Desired != "Operational", $"with {cut} of {Servers} cut, no healthy server may be written worse ({error})");
            rows.Where(row => row.Index <= cut).Should().OnlyContain(row => row.Action == "unconfirmed" || row.Action == "failed",
                "a cut server is held as healthy from the witness, or not judged; never written");
            rows.Count(row => row.Action == "unconfirmed").Should().BeGreaterThan(0, "the cut is seen, and held");
            rows.Where(row => row.Index > Listening).Should().OnlyContain(
                row => row.Action == "dry-run" && row.Desired == "MajorOutage" && row.Note!.StartsWith("confirmed by", StringComparison.Ordinal),
                "the really down servers are written in the first cycle, confirmed by the witness");
            exit.Should().Be(2, "cut servers were held");
        }
    }

    [PathCutFact]
    public void Routes_this_machine_refuses_itself_are_not_probed_never_the_servers_outage()
    {
        using var path = new CutPath(Servers, Listening);
        // The writer's own routing table: a blackhole, an unreachable and a prohibit route to parts of the fleet.
        var config = Write("writer.json", Config(guard: new JsonObject { ["MinServers"] = Servers + 1 }));
        var routes = "ip route add blackhole 10.77.0.1/32 && ip route add unreachable 10.77.0.2/32 && ip route add prohibit 10.77.0.3/32";
        var (exit, output, error) = PublishedApp.Run(
            "ip", $"netns exec {path.Writer} sh -c \"{routes} && exec {app.Executable} --config {config} --once --dry-run --output json\"", _work, TimeSpan.FromMinutes(1));

        var servers = JsonNode.Parse(output)!["servers"]!.AsArray();
        foreach (var refused in servers.Take(3))
        {
            refused!["probe"]!.GetValue<string>().Should().Be("NotProbed", error);
            refused["action"]!.GetValue<string>().Should().Be("failed");
            refused["probeDetail"]!.GetValue<string>().Should().StartWith("not probed: this machine's own");
        }

        servers[3]!["probe"]!.GetValue<string>().Should().Be("Ok", "the rest of the fleet is reached as before");
        exit.Should().Be(2);
        error.Should().Contain("3 probes were refused by this machine's own routing or firewall");
    }

    private async Task WaitForWitnessAsync(CutPath path)
    {
        for (var tries = 0; tries < 100; tries++)
        {
            var (exit, _, _) = PublishedApp.Run("ip", $"netns exec {path.Writer} bash -c \"exec 3<>/dev/tcp/{CutPath.WitnessAddress}/9470\"", _work, TimeSpan.FromSeconds(10));
            if (exit == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the witness did not listen");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
