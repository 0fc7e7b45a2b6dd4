using System.Globalization;
using System.Text;

namespace CachetSync.Bench;

/// <summary>Medians per N, as a Markdown table (stdout and bench/results/latest.md).</summary>
public static class ResultsTable
{
    public static string Render(IReadOnlyList<Measurement> measurements, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CachetSync loopback benchmark — {machine}");
        text.AppendLine();
        text.AppendLine("Medians of the repetitions. Probe timeout 5 s; mix: 60 % 200 fast, 15 % 503, 10 % 200 after 2 s, 10 % never answer, 5 % closed port.");
        text.AppendLine("Cycle 1 changes 40 % of the components; cycle 2 finds nothing to change.");
        text.AppendLine();
        text.AppendLine("| N | reps | cycle wall (s) | CPU (s) | peak RSS (MiB) | Cachet requests, 1st cycle | Cachet requests, 2nd cycle | 2nd cycle wall (s) | wrong statuses | exit codes |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var group in measurements.GroupBy(m => m.Servers))
        {
            var runs = group.ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key:N0} | {runs.Count} | {Median(runs, m => m.First.WallSeconds):0.00} | {Median(runs, m => m.First.CpuSeconds):0.00} | " +
                $"{Median(runs, m => m.First.PeakRssMiB):0} | {Median(runs, m => m.FirstCachetRequests):0} | {Median(runs, m => m.SecondCachetRequests):0} | " +
                $"{Median(runs, m => m.Second.WallSeconds):0.00} | {runs.Sum(m => m.WrongStatuses)} | " +
                $"{string.Join(" ", runs.Select(m => $"{m.First.ExitCode}/{m.Second.ExitCode}"))} |");
        }

        return text.ToString();
    }

    private static double Median(IReadOnlyList<Measurement> runs, Func<Measurement, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
