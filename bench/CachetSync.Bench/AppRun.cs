using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CachetSync.Bench;

/// <summary>What one run of the published app cost, as /usr/bin/time measured it.</summary>
/// <param name="GcCommittedMiB">What the GC had committed at the end of the cycle (the app's Debug "Memory:" line); the rest of RSS is code and native memory.</param>
public sealed record RunCost(int ExitCode, double WallSeconds, double CpuSeconds, double PeakRssMiB, double GcCommittedMiB);

/// <summary>
/// Runs the real, published CachetSync once (<c>--once</c>) as a child process, under /usr/bin/time; with a
/// <see cref="LoopbackDns"/>, inside a namespace that resolves through it.
/// </summary>
public sealed partial class AppRun(string executable, string workDirectory, LoopbackDns? dns)
{
    public static JsonObject Config(string cachetUrl, ITargetFarm farm, Scenario scenario, IReadOnlyList<Behaviour> mix, int closedPort) => new()
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = cachetUrl, ["ApiToken"] = "bench-token" },
        ["Probe"] = Probe(scenario),
        // The cycle's last Debug line says how much of the memory is the GC's (see RunCost.GcCommittedMiB).
        ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["CachetSync.Sync.SyncCycle"] = "Debug" } },
        ["Servers"] = new JsonArray(mix.Select((behaviour, i) => (JsonNode)Server(i, behaviour, farm, scenario, closedPort)).ToArray()),
    };

    private static JsonObject Probe(Scenario scenario)
    {
        var probe = new JsonObject { ["Timeout"] = "5s" };
        if (scenario.Body)
        {
            // Far below what loopback carries: the row measures what the download costs, not who is slow.
            probe["Throughput"] = new JsonObject { ["Path"] = "/object", ["Bytes"] = $"{Scenario.ObjectBytes}", ["MinRate"] = "1MiB/s" };
        }

        if (scenario.Retry)
        {
            probe["Retries"] = 1;
            probe["RetryDelay"] = "1s";
        }

        return probe;
    }

    private static JsonObject Server(int index, Behaviour behaviour, ITargetFarm farm, Scenario scenario, int closedPort)
    {
        var tls = scenario.UsesTls(index);
        var port = behaviour == Behaviour.ClosedPort ? closedPort : tls ? farm.HttpsPort : farm.HttpPort;
        var server = new JsonObject
        {
            ["Name"] = $"stream-{index + 1}",
            ["Url"] = $"{(tls ? "https" : "http")}://{scenario.Host(index)}:{port}/s/{index}",
            ["ComponentId"] = index + 1,
        };
        if (tls)
        {
            server["VerifyTls"] = false;
        }

        return server;
    }

    public async Task<RunCost> RunAsync(JsonObject config, string label)
    {
        var configPath = Path.Combine(workDirectory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var metrics = Path.Combine(workDirectory, $"{label}.time");
        IReadOnlyList<string> command = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", metrics, executable, "--once", "--config", configPath];
        command = dns?.Wrap(command) ?? command;
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        await File.WriteAllTextAsync(Path.Combine(workDirectory, $"{label}.out"), await output);
        await File.WriteAllTextAsync(Path.Combine(workDirectory, $"{label}.err"), await errors);

        if (process.ExitCode is not (0 or 2))
        {
            throw new InvalidOperationException($"{label}: the app exited {process.ExitCode}:\n{await errors}");
        }

        var fields = (await File.ReadAllLinesAsync(metrics)).Last().Split(' ');
        double Field(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        var committed = MemoryLine().Match(await errors) is { Success: true } line ? double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        return new RunCost(process.ExitCode, Field(0), Field(1) + Field(2), Field(3) / 1024, committed);
    }

    [GeneratedRegex(@"Memory: .* of ([0-9.]+) MiB committed")]
    private static partial Regex MemoryLine();
}
