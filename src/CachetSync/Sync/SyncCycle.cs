using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>
/// One cycle: probe every server, read report counts and Cachet's components (all three at once), map each
/// server to its desired status, and write only the statuses that differ. One server's failure never stops
/// the others; nothing is written unless Cachet could be read.
/// </summary>
public sealed class SyncCycle(
    CachetSyncSettings settings,
    ServerProber prober,
    IReportSource? reportSource,
    CachetClient? cachet,
    TimeProvider time,
    ILogger<SyncCycle> logger)
{
    public async Task<CycleSummary> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var servers = settings.Servers;
        var probesTask = prober.ProbeAllAsync(servers, cancellationToken);
        var reportsTask = ReadReportsAsync(cancellationToken);
        var componentsTask = ReadComponentsAsync(cancellationToken);
        var probes = await probesTask;
        var reports = await reportsTask;
        var (components, cachetError) = await componentsTask;

        var plans = new ServerOutcome[servers.Count];
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            var count = reports?.For(server.ReportKey);
            var desired = ThresholdMapper.Map(probes[i], count, server.Thresholds);
            plans[i] = Plan(server, probes[i], count, desired, components, cachetError, dryRun);
        }

        var outcomes = await WriteChangesAsync(plans, cancellationToken);
        return new CycleSummary(outcomes, cachetError, time.GetElapsedTime(started), dryRun);
    }

    private static ServerOutcome Plan(
        ServerSettings server,
        ProbeResult probe,
        int? reports,
        StatusDecision desired,
        ComponentResolver? components,
        string? cachetError,
        bool dryRun)
    {
        var outcome = new ServerOutcome(server.Name, probe, reports, desired, server.ComponentId, null, SyncAction.Skipped, null);
        if (components is null)
        {
            // Dry run without Cachet: show what would be written, against an unknown current status.
            return cachetError is null && dryRun ? outcome with { Action = SyncAction.DryRun } : outcome;
        }

        var (component, error) = components.Resolve(server);
        if (component is null)
        {
            return outcome with { Action = SyncAction.Failed, Error = error };
        }

        var current = (ComponentStatus)component.Status;
        var action = current == desired.Status ? SyncAction.Unchanged
            : dryRun ? SyncAction.DryRun
            : SyncAction.Updated;
        return outcome with { ComponentId = component.Id, Current = current, Action = action };
    }

    private async Task<ServerOutcome[]> WriteChangesAsync(ServerOutcome[] plans, CancellationToken cancellationToken)
    {
        var writes = Enumerable.Range(0, plans.Length).Where(i => plans[i].Action == SyncAction.Updated).ToList();
        var tokenRejected = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.Cachet.MaxParallelWrites, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(writes, options, async (index, token) =>
        {
            var plan = plans[index];
            if (Volatile.Read(ref tokenRejected) == 1)
            {
                plans[index] = plan with { Action = SyncAction.Failed, Error = "not sent: Cachet rejected the API token" };
                return;
            }

            try
            {
                await cachet!.SetStatusAsync(plan.ComponentId!.Value, plan.Desired.Status, token);
                logger.LogInformation(
                    "{Server}: component #{ComponentId} {Current} -> {Desired} ({Reason})",
                    plan.Server, plan.ComponentId, plan.Current, plan.Desired.Status, plan.Desired.Reason);
            }
            catch (CachetException ex)
            {
                if (ex.TokenRejected && Interlocked.Exchange(ref tokenRejected, 1) == 0)
                {
                    logger.LogError("Cachet rejected the API token: no status can be written until it is fixed");
                }

                if (!ex.TokenRejected)
                {
                    logger.LogWarning("{Server}: write failed: {Error}", plan.Server, ex.Message);
                }

                plans[index] = plan with { Action = SyncAction.Failed, Error = ex.Message };
            }
        });
        return plans;
    }

    private async Task<ReportCounts?> ReadReportsAsync(CancellationToken cancellationToken)
    {
        if (reportSource is null)
        {
            return null;
        }

        var since = time.GetUtcNow() - settings.Reports.Window;
        try
        {
            var counts = await reportSource.ReadAsync(since, cancellationToken);
            foreach (var (key, reason) in counts.Rejected)
            {
                logger.LogWarning("Report source {Source}: count for {ReportKey} ignored: {Reason}; probe-only status for it",
                    reportSource.Description, key, reason);
            }

            return counts;
        }
        catch (ReportSourceException ex)
        {
            logger.LogWarning("Report source {Source} {Reason}; this cycle uses probe-only statuses",
                reportSource.Description, ex.Message);
            return null;
        }
    }

    private async Task<(ComponentResolver? Components, string? Error)> ReadComponentsAsync(CancellationToken cancellationToken)
    {
        if (cachet is null)
        {
            return (null, null);
        }

        try
        {
            var components = await cachet.ReadAllComponentsAsync(cancellationToken);
            logger.LogDebug("Read {Count} components from Cachet", components.Count);
            return (new ComponentResolver(components), null);
        }
        catch (CachetException ex)
        {
            logger.LogError("Cachet could not be read, nothing will be written: {Error}", ex.Message);
            return (null, ex.Message);
        }
    }
}
