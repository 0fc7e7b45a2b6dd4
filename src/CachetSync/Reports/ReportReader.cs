using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Reports;

/// <summary>
/// Reads the report counts for one cycle, or says why it cannot: a failing source is a warning and the cycle
/// goes on with probe-only statuses; a single unusable count is a warning for its server only.
/// </summary>
public sealed class ReportReader(
    IReportSource? source, ReportSettings settings, TimeProvider time, ILogger<ReportReader> logger, Telemetry.CycleTelemetry? telemetry = null)
{
    /// <summary>A source with hundreds of thousands of keys must not write them all to the log, in lines or in one line.</summary>
    public const int MaxKeysLogged = 20;

    public async Task<ReportCounts?> ReadAsync(IReadOnlyList<ServerSettings> servers, CancellationToken stopping)
    {
        if (source is null)
        {
            return null;
        }

        using var activity = Telemetry.CycleTelemetry.Tracing.StartActivity("cachetsync.reports.read");
        var now = time.GetUtcNow();
        var window = new ReportWindow(now - settings.Window, now);
        try
        {
            var counts = await source.ReadAsync(window, stopping) with { MinAudience = settings.MinAudience };
            foreach (var (key, reason) in counts.Rejected.Take(MaxKeysLogged))
            {
                logger.LogWarning("Report source {Source}: count for {ReportKey} ignored: {Reason}; probe-only status for it",
                    source.Description, key, reason);
            }

            if (counts.Rejected.Count > MaxKeysLogged)
            {
                logger.LogWarning("Report source {Source}: {More} more counts ignored (not listed)", source.Description, counts.Rejected.Count - MaxKeysLogged);
            }

            LogUnmatchedKeys(counts, servers);
            telemetry?.RecordReportRead(source.Description, counts.Rejected.Count == 0 ? "ok" : "partial");
            return counts;
        }
        catch (ReportSourceException ex)
        {
            logger.LogWarning("Report source {Source} {Reason}; this cycle uses probe-only statuses",
                source.Description, ex.Message);
            telemetry?.RecordReportRead(source.Description, "failed");
            return ReportCounts.Failed(ex.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Keys no server uses: usually a server renamed on one side only, so worth a line when debugging.</summary>
    private void LogUnmatchedKeys(ReportCounts counts, IReadOnlyList<ServerSettings> servers)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var used = servers.Select(server => server.ReportKey).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unmatched = counts.Counts.Keys.Concat(counts.Rejected.Keys).Where(key => !used.Contains(key)).Order(StringComparer.Ordinal).ToList();
        if (unmatched.Count > 0)
        {
            var listed = string.Join(", ", unmatched.Take(MaxKeysLogged)) + (unmatched.Count > MaxKeysLogged ? $", … ({unmatched.Count - MaxKeysLogged} more)" : "");
            logger.LogDebug("Report source {Source}: {Count} keys match no server: {Keys}", source!.Description, unmatched.Count, listed);
        }
    }
}
