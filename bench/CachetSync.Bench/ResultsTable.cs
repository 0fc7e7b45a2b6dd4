using System.Globalization;
using System.Text;

namespace CachetSync.Bench;

/// <summary>Medians per scenario and N, the targets' verdicts and what names and TLS cost, as Markdown (stdout and bench/results/latest.md).</summary>
public static class ResultsTable
{
    public static string Render(IReadOnlyList<Measurement> measurements, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CachetSync loopback benchmark — {machine}");
        text.AppendLine();
        text.AppendLine("Medians of the repetitions. Probe timeout 5 s; mix: 60 % 200 fast, 15 % 503, 10 % 200 after 2 s, 10 % never answer, 5 % closed port.");
        text.AppendLine("Cycle 1 changes 40 % of the components; cycle 2 finds nothing to change. Farms: `kestrel` (Kestrel on every core),");
        text.AppendLine("`single` (one thread accepts, parses and answers, listen backlog 100, like an asyncio server or a busy edge);");
        text.AppendLine("`+dns`: one host name per server, resolved by getaddrinfo through a loopback dnsmasq; `+tls`: every tenth server over HTTPS (RSA 2048, VerifyTls false).");
        text.AppendLine("`+worker`: one worker process through both cycles (its row's columns are that whole process; 2nd-cycle columns repeat it);");
        text.AppendLine("`+prom` / `+prom15`: the same with the Prometheus listener on, scraped every 1 s / 15 s after the first cycle (compared with the row without it).");
        text.AppendLine("`+noguard`: the mass-change guard off, so the row shows what the prober alone gets right and wrong.");
        text.AppendLine("`app's cycle`: the first cycle as the app timed it (no process start). `wrong statuses`: summed over the repetitions, statuses unlike the");
        text.AppendLine("mix's after the first cycle, of servers the app judged; `not judged`: servers it said it could not probe fairly (its own CPU or lag), left as they were.");
        text.AppendLine("`2nd cycle rewrites`: summed, components the second cycle wrote although the first had judged their servers (a flap, or a wrong status");
        text.AppendLine("mended); the second cycle's other writes are the first say on servers the first cycle left not judged. `farm stall`: the longest the");
        text.AppendLine("farm (its thread, or Kestrel's pool) was late to run its own work during a first cycle, worst of the repetitions: an answer it made that late is the farm's.");
        text.AppendLine();
        text.AppendLine("`+addr`: every server an address of its own (127.1.0.1 on), the farm listening on all of them, in a network namespace of the benchmark's own;");
        text.AppendLine("its one listen socket queues up to 65 535 connections (somaxconn raised there), as N servers' own queues would.");
        text.AppendLine("`of budget`: the app's cycle against a `--once` run's default budget (`Probe.CycleBudget`, 50 s): room left for a bigger fleet.");
        text.AppendLine("Several apps in one run (`scenario (app)`): each repetition runs each app in turn, so they share the machine's moments.");
        text.AppendLine();
        text.AppendLine("| scenario | N | reps | cycle wall (s) | CPU (s) | peak RSS (MiB) | GC committed at end (MiB) | Cachet requests, 1st cycle | Cachet requests, 2nd cycle | 2nd cycle rewrites | 2nd cycle wall (s) | 2nd cycle RSS (MiB) | app's cycle (s) | of budget | wrong statuses | not judged | farm stall (s) | exit codes |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var group in measurements.GroupBy(m => (m.Scenario, m.Servers)))
        {
            var runs = group.ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Scenario} | {group.Key.Servers:N0} | {runs.Count} | {Median(runs, m => m.First.WallSeconds):0.00} | {Median(runs, m => m.First.CpuSeconds):0.00} | " +
                $"{Median(runs, m => m.First.PeakRssMiB):0} | {Median(runs, m => m.First.GcCommittedMiB):0} | {Median(runs, m => m.FirstCachetRequests):0} | {Median(runs, m => m.SecondCachetRequests):0} | " +
                $"{runs.Sum(m => m.SecondCycleRewrites)} | {Median(runs, m => m.Second.WallSeconds):0.00} | {Median(runs, m => m.Second.PeakRssMiB):0} | {Median(runs, m => m.First.CycleSeconds):0.00} | {Median(runs, m => m.First.CycleSeconds) / 50:0%} | " +
                $"{runs.Sum(m => m.WrongStatuses)} | {runs.Sum(m => m.First.NotJudged.Count)} | {runs.Max(m => m.FarmStall.TotalSeconds):0.00} | " +
                $"{string.Join(" ", runs.Select(m => $"{m.First.ExitCode}/{m.Second.ExitCode}"))} |");
        }

        Verdicts(text, measurements);
        Costs(text, measurements);
        return text.ToString();
    }

    /// <summary>Issue 42's bars: every row 0 wrong and at most 0.1 % not judged; 100 000 servers within 60 s and 400 MiB.</summary>
    private static void Verdicts(StringBuilder text, IReadOnlyList<Measurement> measurements)
    {
        text.AppendLine();
        text.AppendLine("Targets, first cycle: ✓ met, ✗ missed.");
        text.AppendLine();
        foreach (var group in measurements.GroupBy(m => (m.Scenario, m.Servers)))
        {
            var runs = group.ToList();
            var wrong = runs.Sum(m => m.WrongStatuses);
            var notJudged = runs.Sum(m => m.First.NotJudged.Count) / (double)(group.Key.Servers * runs.Count);
            var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"- {group.Key.Scenario}, N={group.Key.Servers:N0}: wrong {wrong} {Mark(wrong == 0)} (0), not judged {notJudged:0.###%} {Mark(notJudged <= Target.MostNotJudged)} (≤ {Target.MostNotJudged:0.#%})"));
            if (Target.All.FirstOrDefault(target => target.Servers == group.Key.Servers) is { } target)
            {
                var wall = Median(runs, m => m.First.WallSeconds);
                var rss = Median(runs, m => m.First.PeakRssMiB);
                line.Append(CultureInfo.InvariantCulture,
                    $", wall {wall:0.0} s {Mark(wall <= target.WallSeconds)} (≤ {target.WallSeconds}), RSS {rss:0} MiB {Mark(rss <= target.RssMiB)} (≤ {target.RssMiB})");
            }

            text.AppendLine(line.ToString());
        }
    }

    /// <summary>What host names and TLS add, as ratios to the same farm by IP and plain HTTP at the same N.</summary>
    private static void Costs(StringBuilder text, IReadOnlyList<Measurement> measurements)
    {
        var lines = new List<string>();
        foreach (var group in measurements.Where(m => m.Scenario.Contains('+') && !m.Scenario.Contains(" (")).GroupBy(m => (m.Scenario, m.Servers)))
        {
            var plain = Scenario.Parse(group.Key.Scenario).Baseline;
            var baseline = measurements.Where(m => m.Scenario == plain && m.Servers == group.Key.Servers).ToList();
            if (baseline.Count == 0)
            {
                continue;
            }

            var runs = group.ToList();
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"- {group.Key.Scenario} vs {plain}, N={group.Key.Servers:N0}: wall ×{Ratio(runs, baseline, m => m.First.WallSeconds):0.00}, " +
                $"CPU ×{Ratio(runs, baseline, m => m.First.CpuSeconds):0.00}, RSS ×{Ratio(runs, baseline, m => m.First.PeakRssMiB):0.00}"));
        }

        // Several apps in one run: each against the first named, same scenario and N, alternating runs.
        foreach (var group in measurements.Where(m => m.Scenario.Contains(" (")).GroupBy(m => (Scenario: m.Scenario[..m.Scenario.IndexOf(" (", StringComparison.Ordinal)], m.Servers)))
        {
            var byApp = group.GroupBy(m => m.Scenario).ToList();
            foreach (var app in byApp.Skip(1))
            {
                var runs = app.ToList();
                var baseline = byApp[0].ToList();
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"- {app.Key} vs {byApp[0].Key}, N={group.Key.Servers:N0}: wall ×{Ratio(runs, baseline, m => m.First.WallSeconds):0.00}, " +
                    $"CPU ×{Ratio(runs, baseline, m => m.First.CpuSeconds):0.00}, RSS ×{Ratio(runs, baseline, m => m.First.PeakRssMiB):0.00}, " +
                    $"not judged {runs.Sum(m => m.First.NotJudged.Count)} vs {baseline.Sum(m => m.First.NotJudged.Count)}"));
            }
        }

        if (lines.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("What names, TLS and telemetry cost, and one app against another (ratio of medians, first cycle; `+prom` rows against the same row without it):");
            text.AppendLine();
            lines.ForEach(line => text.AppendLine(line));
        }
    }

    private static double Ratio(IReadOnlyList<Measurement> runs, IReadOnlyList<Measurement> baseline, Func<Measurement, double> value) =>
        Median(runs, value) / Median(baseline, value);

    private static string Mark(bool met) => met ? "✓" : "✗";

    private static double Median(IReadOnlyList<Measurement> runs, Func<Measurement, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
