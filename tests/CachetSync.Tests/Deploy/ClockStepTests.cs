using System.Globalization;
using System.Text.Json.Nodes;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// The native worker's wall clock stepped an hour back while it runs (NTP correcting it, a VM restored), with
/// libfaketime: only the wall clock moves (FAKETIME_DONT_FAKE_MONOTONIC), as the kernel's would. A 10-second-style
/// schedule must go on at its pace, not wait out the hour.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class ClockStepTests(PublishedApp app) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-clock-").FullName;

    [FaketimeFact]
    public async Task A_wall_clock_stepped_back_an_hour_keeps_a_two_second_schedule_at_its_pace()
    {
        var config = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Probe"] = new JsonObject { ["Timeout"] = "1s" },
            ["Schedule"] = new JsonObject { ["Cron"] = "*/2 * * * * *" },
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-1", ["Url"] = "http://127.0.0.1:9/health", ["ComponentId"] = 1 }),
        }.ToJsonString());
        var offset = Path.Combine(_work, "faketime.rc");
        File.WriteAllText(offset, "+0\n");
        using var worker = PublishedApp.Start(app.Executable, $"--config {config} --dry-run --output json", _work, new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = FaketimeFactAttribute.Library,
            ["FAKETIME_TIMESTAMP_FILE"] = offset,
            // Read the offset on every call, and leave CLOCK_MONOTONIC alone: a real step moves only the wall clock.
            ["FAKETIME_NO_CACHE"] = "1",
            ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
        });
        var cycles = new List<DateTimeOffset>();
        var deadline = TimeSpan.FromSeconds(90);

        await ReadCyclesAsync(worker, cycles, count: 2, deadline);
        File.WriteAllText(offset, "-3600\n");
        await ReadCyclesAsync(worker, cycles, count: 6, deadline);

        var stepped = cycles.Skip(2).Where(started => started < cycles[0] - TimeSpan.FromMinutes(50)).ToList();
        stepped.Should().HaveCountGreaterThanOrEqualTo(3, "the cycles after the step started an hour back on the wall clock, and kept coming");
        // A loaded machine may start a cycle late, or skip an occurrence still busy with the last: seconds, never an hour.
        stepped.Zip(stepped.Skip(1), (earlier, later) => later - earlier).Should().OnlyContain(gap => gap > TimeSpan.Zero && gap <= TimeSpan.FromSeconds(10),
            "each cycle on the next occurrence of the schedule, in the stepped time");
    }

    /// <summary>Reads summary lines until <paramref name="count"/> cycles are in; a worker that waits out the step fails here.</summary>
    private static async Task ReadCyclesAsync(ChildProcess worker, List<DateTimeOffset> cycles, int count, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (cycles.Count < count)
        {
            var line = await worker.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the worker ended: " + await worker.StandardError.ReadToEndAsync());
            var started = JsonNode.Parse(line)!["startedAt"]!.GetValue<string>();
            cycles.Add(DateTimeOffset.Parse(started, CultureInfo.InvariantCulture));
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
