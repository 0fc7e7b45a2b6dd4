using CachetSync.Probing;
using CachetSync.Sync;

namespace CachetSync.Output;

/// <summary>The cycle summary as its JSON document (<see cref="SummaryDocument"/>), one line.</summary>
public static class SummaryJson
{
    public static void Write(TextWriter output, CycleSummary summary) => OutputJson.WriteLine(output, Document(summary));

    public static SummaryDocument Document(CycleSummary summary) => new(
        summary.StartedAt,
        Math.Round(summary.Duration.TotalMilliseconds),
        summary.DryRun,
        summary.Stopped,
        summary.Worker,
        summary.ExitCode,
        summary.Shard,
        summary.CachetError,
        new SummaryTotals(
            summary.Servers.Count,
            summary.ProbesFailed,
            summary.Count(SyncAction.Unchanged),
            summary.Count(SyncAction.Updated),
            summary.Count(SyncAction.DryRun),
            summary.Count(SyncAction.Failed),
            summary.Count(SyncAction.Skipped),
            summary.Count(SyncAction.Damped),
            summary.Count(SyncAction.Held),
            summary.Count(SyncAction.Disabled),
            summary.Count(SyncAction.Maintenance),
            summary.Count(SyncAction.Guarded),
            summary.Count(SyncAction.Unconfirmed),
            summary.NotJudged,
            summary.OutOfBudget),
        [.. summary.Servers.Select(Server)],
        summary.Guard is { } guard ? new GuardDocument(guard.Held, guard.Cause.ToString(), guard.Reason, guard.Witness) : null,
        summary.ReportsUnavailable,
        summary.Witnesses,
        summary.StateError,
        summary.CanaryProblem);

    private static ServerDocument Server(ServerOutcome server) => new(
        server.Server,
        server.Probe.Kind.ToString(),
        server.Probe.StatusCode,
        Math.Round(server.Probe.Latency.TotalMilliseconds),
        server.Probe.Detail,
        server.Probe.Attempts,
        server.Probe.Throughput is { } rate ? Math.Round(rate.BytesPerSecond) : null,
        server.Probe.CertificateExpiresIn is { } left ? Math.Round(left.TotalDays, 1) : null,
        server.Probe.Timings is { } timings ? Timings(timings) : null,
        server.Reports?.Count,
        server.Reports?.Audience,
        server.ComponentId,
        server.Current?.ToString(),
        server.HasDesired ? server.Desired.Status.ToString() : null,
        server.Desired.Reason,
        server.Action.Label(),
        server.Error,
        server.Note);

    private static TimingsDocument Timings(ProbeTimings timings) => new(
        Milliseconds(timings.Dns), Milliseconds(timings.Connect), Milliseconds(timings.Tls), Milliseconds(timings.FirstByte), Milliseconds(timings.Body));

    private static double? Milliseconds(TimeSpan? value) => value is { } span ? Math.Round(span.TotalMilliseconds, 1) : null;
}
