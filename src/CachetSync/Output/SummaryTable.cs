using System.Globalization;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.Sync;
using CachetSync.Thresholds;

namespace CachetSync.Output;

/// <summary>Prints the cycle summary as a plain table on stdout: one row per server, then the totals.</summary>
public static class SummaryTable
{
    private static readonly string[] Headers = ["SERVER", "PROBE", "LATENCY", "REPORTS", "STATUS (current -> desired)", "ACTION", "DETAIL"];

    /// <summary>What needs attention first: writes made and failed, then what was left as it was.</summary>
    private static readonly SyncAction[] TotalsOrder =
        [SyncAction.Updated, SyncAction.Failed, SyncAction.Guarded, SyncAction.Unconfirmed, SyncAction.DryRun, SyncAction.Skipped, SyncAction.Maintenance, SyncAction.Held, SyncAction.Damped, SyncAction.Unchanged, SyncAction.Disabled];

    public static void Write(TextWriter output, CycleSummary summary)
    {
        TextTable.Write(output, Headers, summary.Servers.Select(Row));
        output.WriteLine();
        if (summary.Guard is { } guard)
        {
            // Said once above the totals, in full: the rows only repeat it.
            output.WriteLine(guard.Held
                ? $"Guard held this cycle: {guard.Reason}. Statuses stay as they are; see \"When CachetSync cannot see\" in docs/failure-behaviour.md."
                : $"Guard: {guard.Reason}; written, confirmed by {guard.Witness}.");
        }

        if (summary.Witnesses is { } witnesses)
        {
            output.WriteLine($"Witnesses: {witnesses}.");
        }

        if (summary.NotJudged > 0)
        {
            output.WriteLine(
                $"Not judged: {summary.NotJudged} servers this machine could not probe fairly (its own CPU busy or running late), so their statuses stay as they are; see \"When CachetSync cannot see\" in docs/failure-behaviour.md.");
        }

        if (summary.OutOfBudget > 0)
        {
            output.WriteLine(
                $"Outgrown: {summary.OutOfBudget} of them had no turn within the cycle's budget; they go first next cycle. Shard the fleet or lengthen the schedule: see \"When the fleet outgrows one process\" in docs/performance.md.");
        }

        if (summary.ReportsUnavailable is { } reports)
        {
            output.WriteLine($"Reports unavailable: {reports}. Statuses rest on the probes alone; none is improved until the counts are read again.");
        }

        if (summary.CanaryProblem is { } canaries)
        {
            output.WriteLine($"Guard: {canaries}.");
        }

        if (summary.StateError is { } state)
        {
            output.WriteLine($"State not saved: {state}. The next run starts without this one's counts and holds.");
        }

        output.WriteLine(Totals(summary));
    }

    /// <summary>"5 updated, 3 unchanged": the actions that happened, most urgent first.</summary>
    public static string Counts(CycleSummary summary) =>
        string.Join(", ", TotalsOrder
            .Select(action => (Action: action, Count: summary.Count(action)))
            .Where(pair => pair.Count > 0)
            .Select(pair => $"{pair.Count} {pair.Action.Label()}")
            .DefaultIfEmpty("nothing to do"));

    public static string Totals(CycleSummary summary)
    {
        var cachet = summary.CachetError is null ? "" : $" Cachet: {summary.CachetError}.";
        var dryRun = summary.DryRun ? " (dry run: nothing written)" : "";
        // A worker's cycle that was not stopped does not end the process: its code is a result, not an exit code.
        var result = summary.Worker && !summary.Stopped
            ? $"Cycle result {summary.ExitCode} (the worker keeps running)."
            : $"Exit code {summary.ExitCode}.";
        var shard = summary.Shard is null ? "" : $"Shard {summary.Shard}: ";
        // "components:" says whose the counts after it are: "0 probes failed: 1 failed" read as a contradiction.
        return $"{shard}{Counted.Of(summary.Servers.Count, "server")} in {summary.Duration.TotalSeconds:0.0} s, "
            + $"{Counted.Of(summary.ProbesFailed, "probe")} failed; components: {Counts(summary)}{dryRun}.{cachet} {result}";
    }

    private static string[] Row(ServerOutcome outcome) =>
    [
        outcome.Server,
        ProbeCell(outcome.Probe),
        $"{outcome.Probe.Latency.TotalMilliseconds:0} ms",
        outcome.Reports is { } reports ? Reports(reports) : "-",
        $"{outcome.Current?.ToString() ?? "?"} -> {(outcome.HasDesired ? outcome.Desired.Status.ToString() : "-")}",
        outcome.Action.Label(),
        outcome.Error ?? outcome.Note ?? Explained(outcome),
    ];

    /// <summary>"12", or "12 / 2400" where the source gave the audience the reports came from.</summary>
    private static string Reports(ServerReports reports) =>
        reports.Audience is { } audience ? $"{reports.Count} / {audience}" : reports.Count.ToString(CultureInfo.InvariantCulture);

    /// <summary>"HTTP 200, 48.2 MiB/s, cert 87 d": what came back, with the body rate and certificate life when measured.</summary>
    private static string ProbeCell(ProbeResult probe)
    {
        var kind = probe.Kind switch
        {
            ProbeKind.Ok => probe.StatusCode is { } code ? $"HTTP {code}" : probe.Detail,
            ProbeKind.NotProbed => "-",
            _ => probe.Kind.ToString(),
        };
        var rate = probe.Throughput is { } throughput ? $", {ByteSizeText.FormatRate(throughput.BytesPerSecond)}" : "";
        var certificate = probe.CertificateExpiresIn is { } left ? $", cert {Math.Floor(left.TotalDays):0} d" : "";
        return kind + rate + certificate;
    }

    private static string Explained(ServerOutcome outcome) =>
        outcome.Probe.Timings is { } timings ? $"{outcome.Desired.Reason} [{timings}]" : outcome.Desired.Reason;
}
