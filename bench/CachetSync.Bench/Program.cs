using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CachetSync.Bench;

// dotnet run -c Release --project bench/CachetSync.Bench -- [--n 1000[,10000]] [--reps 3] [--scenarios kestrel,single+dns+tls] [--app PATH|LABEL=PATH,…] [--seed 42] [--timings]
// Publishes CachetSync as the Dockerfile does (unless --app is given), starts a target farm and a fake Cachet on
// 127.0.0.1, and runs the real app against them, once per scenario (see Scenario). Every run stops by itself: the
// app is bounded by its probe timeout and killed after two minutes at worst. --timings: Probe.Timings on, so each
// run's table (in the run logs, beside {label}.wrong) says where a wrong status's time went. Several apps
// (--app main=a/cachetsync,old=b/cachetsync): each repetition runs each in turn, so both see the same machine; each
// row's scenario then names its app. An `addr` scenario listens on every address: run the benchmark in a network
// namespace of its own, built beforehand and with --app (no registry there):
//   unshare --net sh -c 'ip link set lo up && ulimit -n 20000 && dotnet bench/artifacts/bench/CachetSync.Bench.dll --app … --scenarios single+addr'
var sizes = Option("--n")?.Split(',').Select(int.Parse).ToArray() ?? [10, 100, 1_000, 10_000];
var repetitions = int.Parse(Option("--reps") ?? "3");
var seed = int.Parse(Option("--seed") ?? "42");
var timings = args.Contains("--timings");
var scenarios = (Option("--scenarios")?.Split(',') ?? Scenario.Defaults).Select(Scenario.Parse).ToList();
var root = FindRoot();
var apps = Option("--app") is { } given
    ? given.Split(',').Select(app => app.Split('=', 2) is [var label, var path] ? (Label: label, Path: Path.GetFullPath(path)) : (Label: "", Path: Path.GetFullPath(app))).ToList()
    : [(Label: "", Path: Publish(root))];
if (scenarios.Any(scenario => scenario.OwnAddresses) && System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Any(nic => nic.Name != "lo"))
{
    throw new InvalidOperationException("an addr scenario's farm listens on 0.0.0.0: run the benchmark in a network namespace of its own (see the top of Program.cs)");
}

if (scenarios.Any(scenario => scenario.OwnAddresses))
{
    // Per network namespace: the farm's one socket may then queue what N servers' queues would (SingleThreadFarm.SharedBacklog).
    File.WriteAllText("/proc/sys/net/core/somaxconn", SingleThreadFarm.SharedBacklog.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

var work = Directory.CreateTempSubdirectory("cachetsync-bench-").FullName;
using var certificate = SelfSignedCertificate.Create();
using var dns = scenarios.Any(scenario => scenario.HostNames)
    ? LoopbackDns.Start(work, scenarios.Any(scenario => scenario is { HostNames: true, OwnAddresses: true }) ? sizes.Max() : 0)
    : null;
var measurements = new List<Measurement>();
foreach (var scenario in scenarios)
{
    foreach (var size in sizes)
    {
        var mix = ServerMix.Create(size, seed);
        await using ITargetFarm farm = scenario.SingleThreadFarm
            ? new SingleThreadFarm(mix, certificate, scenario.OwnAddresses)
            : await KestrelFarm.StartAsync(mix, certificate, scenario.OwnAddresses);
        foreach (var (repetition, appLabel, app) in Enumerable.Range(1, repetitions).SelectMany(repetition => apps.Select(app => (repetition, app.Label, app.Path))))
        {
            var runner = new AppRun(app, work, scenario.HostNames ? dns : null);
            var name = appLabel == "" ? scenario.Name : $"{scenario.Name} ({appLabel})";
            await using var cachet = await FakeCachet.StartAsync(size);
            var config = AppRun.Config(cachet.BaseUrl, farm, scenario, mix, ClosedPort(), timings);
            var label = $"{scenario.Name}{(appLabel == "" ? "" : "-" + appLabel)}-n{size}-r{repetition}";
            farm.TakeWorstStall();
            var first = await runner.RunAsync(config, $"{label}-cycle1", scenario.Worker, scenario.ScrapeSeconds);
            var farmStall = farm.TakeWorstStall();
            var firstRequests = cachet.Requests("GET") + cachet.Requests("PUT");
            // A server the app said it could not judge kept its status, which is no claim about the server.
            var wrongOnes = Enumerable.Range(0, size)
                .Where(i => cachet.Statuses[i + 1] != ServerMix.ExpectedStatus(mix[i]) && !first.NotJudged.Contains($"stream-{i + 1}"))
                .ToList();
            var wrong = wrongOnes.Count;
            // Which ones, to read beside the run's table in {label}-cycle1.out.
            await File.WriteAllLinesAsync(
                Path.Combine(work, $"{label}.wrong"),
                wrongOnes.Select(i => $"stream-{i + 1} {mix[i]}: expected {ServerMix.ExpectedStatus(mix[i])}, written {cachet.Statuses[i + 1]}"));
            cachet.ResetCounts();
            // A worker's run already held both cycles.
            var second = scenario.Worker ? first : await runner.RunAsync(config, $"{label}-cycle2");
            var secondRequests = cachet.Requests("GET") + cachet.Requests("PUT");
            var rewrites = cachet.Written.Count(id => !first.NotJudged.Contains($"stream-{id}"));
            var measurement = new Measurement(name, size, first, firstRequests, second, secondRequests, wrong, rewrites, farmStall);
            measurements.Add(measurement);
            Console.Error.WriteLine($"{label}: {measurement}");
        }
    }
}

var machine = $"{Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, .NET {Environment.Version}, published native (AOT) build, as deploy/Dockerfile builds it";
var table = ResultsTable.Render(measurements, machine);
Console.WriteLine(table);
var results = Path.Combine(root, "bench", "results");
Directory.CreateDirectory(results);
// What each change bought is measured once, when it is made, and kept by hand in history.md; latest.md carries it along.
var history = Path.Combine(results, "history.md");
await File.WriteAllTextAsync(Path.Combine(results, "latest.md"), File.Exists(history) ? $"{table}\n{await File.ReadAllTextAsync(history)}" : table);
Console.Error.WriteLine($"written: bench/results/latest.md; run logs in {work}");

string? Option(string name) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static int ClosedPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CachetSync.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("run the benchmark from inside the repository");
}

static string Publish(string root)
{
    var output = Path.Combine(root, "bench", "artifacts", "app");
    // As deploy/Dockerfile publishes it: the native executable.
    var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", "src/CachetSync/CachetSync.csproj", "-c", "Release", "-r", "linux-x64", "-o", output])
    {
        WorkingDirectory = root,
        RedirectStandardOutput = true,
    })!;
    publish.StandardOutput.ReadToEnd();
    publish.WaitForExit();
    if (publish.ExitCode != 0)
    {
        throw new InvalidOperationException("dotnet publish failed");
    }

    return Path.Combine(output, "cachetsync");
}
