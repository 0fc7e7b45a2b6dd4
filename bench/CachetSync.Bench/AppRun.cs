using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CachetSync.Bench;

/// <summary>What one run of the published app cost, as /usr/bin/time measured it.</summary>
public sealed record RunCost(int ExitCode, double WallSeconds, double CpuSeconds, double PeakRssMiB);

/// <summary>Runs the real, published CachetSync once (<c>--once</c>) as a child process, under /usr/bin/time.</summary>
public sealed class AppRun(string executable, string workDirectory)
{
    public static JsonObject Config(string cachetUrl, string farmUrl, IReadOnlyList<Behaviour> mix, int closedPort) => new()
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = cachetUrl, ["ApiToken"] = "bench-token" },
        ["Probe"] = new JsonObject { ["Timeout"] = "5s" },
        ["Servers"] = new JsonArray(mix.Select((behaviour, i) => (JsonNode)new JsonObject
        {
            ["Name"] = $"stream-{i + 1}",
            ["Url"] = behaviour == Behaviour.ClosedPort ? $"http://127.0.0.1:{closedPort}/s/{i}" : $"{farmUrl}/s/{i}",
            ["ComponentId"] = i + 1,
        }).ToArray()),
    };

    public async Task<RunCost> RunAsync(JsonObject config, string label)
    {
        var configPath = Path.Combine(workDirectory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var metrics = Path.Combine(workDirectory, $"{label}.time");
        var start = new ProcessStartInfo("/usr/bin/time", ["-f", "%e %U %S %M", "-o", metrics, executable, "--once", "--config", configPath])
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
        return new RunCost(process.ExitCode, Field(0), Field(1) + Field(2), Field(3) / 1024);
    }
}
