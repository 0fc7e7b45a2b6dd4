using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CachetSync.Bench;

/// <summary>What one run of the published app cost, as /usr/bin/time measured it.</summary>
/// <param name="GcCommittedMiB">What the GC had committed at the end of the cycle (the app's Debug "Memory:" line); the rest of RSS is code and native memory.</param>
/// <param name="CycleSeconds">The cycle as the app itself timed it ("Cycle done in …"): without process start and exit.</param>
/// <param name="NotJudged">The servers the app said it could not judge fairly (its own CPU or lag): their statuses were left as they were.</param>
public sealed record RunCost(
    int ExitCode, double WallSeconds, double CpuSeconds, double PeakRssMiB, double GcCommittedMiB, double CycleSeconds, IReadOnlySet<string> NotJudged);

/// <summary>
/// Runs the real, published CachetSync once (<c>--once</c>) as a child process, under /usr/bin/time; with a
/// <see cref="LoopbackDns"/>, inside a namespace that resolves through it.
/// </summary>
public sealed partial class AppRun(string executable, string workDirectory, LoopbackDns? dns)
{
    /// <summary>Where a <c>+prom</c> worker serves /metrics.</summary>
    public static int MetricsPort { get; } = FreePort();

    /// <param name="timings">Probe.Timings on: each row of the run's table says where its time went (to read why a status is wrong).</param>
    public static JsonObject Config(string cachetUrl, ITargetFarm farm, Scenario scenario, IReadOnlyList<Behaviour> mix, int closedPort, bool timings = false)
    {
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = cachetUrl, ["ApiToken"] = "bench-token" },
            ["Probe"] = Probe(scenario, timings),
            // The cycle's last Debug line says how much of the memory is the GC's (see RunCost.GcCommittedMiB).
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["CachetSync.Sync.SyncCycle"] = "Debug" } },
            ["Servers"] = new JsonArray(mix.Select((behaviour, i) => (JsonNode)Server(i, behaviour, farm, scenario, closedPort)).ToArray()),
        };
        if (scenario.Worker)
        {
            // Due every second: the next cycle starts as soon as the previous one is done.
            config["Schedule"] = new JsonObject { ["Cron"] = "* * * * * *", ["RunAtStart"] = true };
        }

        if (scenario.NoGuard)
        {
            config["Guard"] = new JsonObject { ["Enabled"] = false };
        }

        if (scenario.Prometheus)
        {
            config["Telemetry"] = new JsonObject { ["Prometheus"] = new JsonObject { ["Listen"] = $"127.0.0.1:{MetricsPort}" } };
        }

        return config;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static JsonObject Probe(Scenario scenario, bool timings)
    {
        var probe = new JsonObject { ["Timeout"] = "5s" };
        if (timings)
        {
            // Only when asked: builds from before Probe.Timings refuse the key, and the benchmark measures them too.
            probe["Timings"] = true;
        }

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

    /// <param name="worker">Run as a worker until two cycles are done, then SIGTERM it.</param>
    /// <param name="scrapeSeconds">Meanwhile, from the end of the first cycle, scrape its /metrics this often (0: never).</param>
    public async Task<RunCost> RunAsync(JsonObject config, string label, bool worker = false, int scrapeSeconds = 0)
    {
        var configPath = Path.Combine(workDirectory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var metrics = Path.Combine(workDirectory, $"{label}.time");
        IReadOnlyList<string> command = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", metrics, executable, .. worker ? Array.Empty<string>() : ["--once"], "--config", configPath];
        command = dns?.Wrap(command) ?? command;
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var errors = worker ? WorkerAsync(process, scrapeSeconds, limit.Token) : process.StandardError.ReadToEndAsync();
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
        var cycle = CycleLine().Match(await errors) is { Success: true } done ? double.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        // The table's rows start with the server's name; "not judged: …" is the detail of those left as they were.
        var notJudged = (await output).Split('\n').Where(row => row.Contains(" not judged: ", StringComparison.Ordinal)).Select(row => row.Split(' ')[0]).ToHashSet();
        return new RunCost(process.ExitCode, Field(0), Field(1) + Field(2), Field(3) / 1024, committed, cycle, notJudged);
    }

    /// <summary>Reads the worker's log until two cycles are done, scraping /metrics meanwhile; then stops it as Kubernetes would.</summary>
    private static async Task<string> WorkerAsync(Process time, int scrapeSeconds, CancellationToken limit)
    {
        using var scraping = new CancellationTokenSource();
        var scraper = Task.CompletedTask;
        var log = new System.Text.StringBuilder();
        var cycles = 0;
        while (await time.StandardError.ReadLineAsync(limit) is { } line)
        {
            log.AppendLine(line);
            if (!line.Contains("Cycle done", StringComparison.Ordinal))
            {
                continue;
            }

            if (++cycles == 1 && scrapeSeconds > 0)
            {
                scraper = ScrapeAsync(TimeSpan.FromSeconds(scrapeSeconds), scraping.Token);
            }
            else if (cycles == 2)
            {
                await scraping.CancelAsync();
                await scraper;
                // /usr/bin/time does not pass signals on: the app is its child.
                var app = File.ReadAllText($"/proc/{time.Id}/task/{time.Id}/children").Trim();
                Process.Start("kill", ["-TERM", app]).WaitForExit();
            }
        }

        return log.ToString();
    }

    private static async Task ScrapeAsync(TimeSpan every, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics", stop);
                await Task.Delay(every, stop);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [GeneratedRegex(@"Memory: .* of ([0-9.]+) MiB committed")]
    private static partial Regex MemoryLine();

    [GeneratedRegex(@"Cycle done in ([0-9.]+) s")]
    private static partial Regex CycleLine();
}
