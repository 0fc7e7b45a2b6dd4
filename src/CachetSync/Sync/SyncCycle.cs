using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.State;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>
/// One cycle: probe every server, read report counts and Cachet's components (all three at once), map each
/// server to its desired status, and write only the statuses that differ. One server's failure never stops
/// the others; nothing is written unless Cachet could be read.
/// </summary>
/// <remarks>
/// A stop request cancels probing and reading; if it comes before the writes, none start. Writes already in
/// flight are allowed to finish (for at most <see cref="CachetSettings.Timeout"/>), and every server whose write
/// did not happen says so in the summary. Between decision and write stands the <see cref="ChangeGate"/>
/// (flap damping, manual holds), whose memory the <see cref="StateStore"/> keeps; a dry run changes no memory.
/// </remarks>
public sealed class SyncCycle(
    CachetSyncSettings settings,
    ServerProber prober,
    IReportSource? reportSource,
    CachetClient? cachet,
    StateStore state,
    LatencyMetrics? metrics,
    TimeProvider time,
    ILogger<SyncCycle> logger)
{
    private const string StoppedBeforeWriting = "stopped before writing";
    private readonly ChangeGate _gate = new(settings.Damping ?? DampingSettings.Immediate, settings.Cachet);
    private readonly StatusWriter? _writer = cachet is null ? null : new StatusWriter(cachet, settings.Incidents ?? IncidentSettings.Disabled);

    public async Task<CycleSummary> RunAsync(bool dryRun, CancellationToken stopping)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var servers = settings.Servers;
        var probesTask = ProbeEnabledAsync(servers, stopping);
        var reportsTask = ReadReportsAsync(stopping);
        var componentsTask = ReadComponentsAsync(stopping);
        var probes = await probesTask;
        var reports = await reportsTask;
        var (components, cachetError) = await componentsTask;

        var plans = new ServerOutcome[servers.Count];
        var memories = new ComponentMemory?[servers.Count];
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            var count = reports?.For(server.ReportKey);
            var desired = probes[i].Kind is ProbeKind.Stopped or ProbeKind.NotProbed
                ? new StatusDecision(ComponentStatus.Unknown, probes[i].Detail)
                : ThresholdMapper.Map(probes[i], count, server.Thresholds);
            plans[i] = Plan(server, probes[i], count, desired, components, cachetError, dryRun);
            (plans[i], memories[i]) = Gate(plans[i], dryRun, startedAt);
        }

        var outcomes = stopping.IsCancellationRequested
            ? plans.Select(plan => plan.Action == SyncAction.Updated ? plan with { Action = SyncAction.Skipped, Error = StoppedBeforeWriting } : plan).ToArray()
            : await WriteChangesAsync(plans, memories, stopping);
        if (!dryRun)
        {
            Remember(outcomes, memories);
            if (metrics is not null && !stopping.IsCancellationRequested)
            {
                await metrics.PostAsync(servers, outcomes, stopping);
            }
        }

        if (stopping.IsCancellationRequested)
        {
            logger.LogWarning("Stopped during the cycle: {Skipped} servers skipped", outcomes.Count(outcome => outcome.Action == SyncAction.Skipped));
        }

        var summary = new CycleSummary(outcomes, cachetError, startedAt, time.GetElapsedTime(started), dryRun, stopping.IsCancellationRequested);
        logger.LogInformation("Cycle done in {Seconds:0.0} s: {Totals}", summary.Duration.TotalSeconds, SummaryTable.Counts(summary));
        return summary;
    }

    private async Task<ProbeResult[]> ProbeEnabledAsync(IReadOnlyList<ServerSettings> servers, CancellationToken stopping)
    {
        var enabled = servers.Where(server => server.Enabled).ToList();
        var probed = new Queue<ProbeResult>(await prober.ProbeAllAsync(enabled, stopping));
        var notProbed = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, "disabled in the configuration");
        return servers.Select(server => server.Enabled ? probed.Dequeue() : notProbed).ToArray();
    }

    /// <summary>Lets the change gate (damping, manual holds) turn a planned write into a wait; returns the memory to keep.</summary>
    private (ServerOutcome Plan, ComponentMemory? Memory) Gate(ServerOutcome plan, bool dryRun, DateTimeOffset now)
    {
        if (plan is not { Action: SyncAction.Updated or SyncAction.DryRun or SyncAction.Unchanged, Current: { } current, ComponentId: { } id })
        {
            return (plan, null);
        }

        var decision = _gate.Decide(current, plan.Desired.Status, state.Current.For(id), now);
        var action = decision.Action == SyncAction.Updated && dryRun ? SyncAction.DryRun : decision.Action;
        return (plan with { Action = action, Note = decision.Note }, decision.Memory);
    }

    /// <summary>Keeps what the gate decided, and what Cachet confirmed, for the next cycle; then saves the state.</summary>
    private void Remember(IReadOnlyList<ServerOutcome> outcomes, IReadOnlyList<ComponentMemory?> memories)
    {
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (memories[i] is not { } memory || outcomes[i].ComponentId is not { } id)
            {
                continue;
            }

            switch (outcomes[i].Action)
            {
                case SyncAction.Updated:
                    state.Current.Set(id, ChangeGate.Written(memory, outcomes[i].Desired.Status));
                    break;
                case SyncAction.Unchanged or SyncAction.Damped or SyncAction.Held:
                    state.Current.Set(id, memory);
                    break;
            }
        }

        state.Save();
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
        if (!server.Enabled)
        {
            return outcome with { Action = SyncAction.Disabled };
        }

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
        var action = probe.Kind == ProbeKind.Stopped ? SyncAction.Skipped
            : current == desired.Status ? SyncAction.Unchanged
            : dryRun ? SyncAction.DryRun
            : SyncAction.Updated;
        return outcome with { ComponentId = component.Id, Current = current, Action = action };
    }

    private async Task<ServerOutcome[]> WriteChangesAsync(ServerOutcome[] plans, ComponentMemory?[] memories, CancellationToken stopping)
    {
        var writes = Enumerable.Range(0, plans.Length).Where(i => plans[i].Action == SyncAction.Updated).ToList();
        var tokenRejected = 0;

        // Writes in flight when a stop comes get one Cachet timeout to finish, so none is cut off half-sent.
        using var writeBudget = new CancellationTokenSource();
        await using var grace = stopping.Register(() => writeBudget.CancelAfter(settings.Cachet.Timeout));

        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.Cachet.MaxParallelWrites };
        await Parallel.ForEachAsync(writes, options, async (index, _) =>
        {
            var plan = plans[index];
            if (stopping.IsCancellationRequested)
            {
                plans[index] = plan with { Action = SyncAction.Skipped, Error = StoppedBeforeWriting };
                return;
            }

            if (Volatile.Read(ref tokenRejected) == 1)
            {
                plans[index] = plan with { Action = SyncAction.Failed, Error = "not sent: Cachet rejected the API token" };
                return;
            }

            try
            {
                var memory = memories[index] ?? ComponentMemory.Empty;
                var incident = await _writer!.WriteAsync(plan, memory.OpenIncident, writeBudget.Token);
                memories[index] = memory with { OpenIncident = incident };
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
            catch (OperationCanceledException) when (writeBudget.IsCancellationRequested)
            {
                const string error = "stopped while writing: Cachet did not confirm in time; the status may or may not be set";
                logger.LogWarning("{Server}: {Error}", plan.Server, error);
                plans[index] = plan with { Action = SyncAction.Failed, Error = error };
            }
        });
        return plans;
    }

    private async Task<ReportCounts?> ReadReportsAsync(CancellationToken stopping)
    {
        if (reportSource is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var window = new ReportWindow(now - settings.Reports.Window, now);
        try
        {
            var counts = await reportSource.ReadAsync(window, stopping);
            foreach (var (key, reason) in counts.Rejected)
            {
                logger.LogWarning("Report source {Source}: count for {ReportKey} ignored: {Reason}; probe-only status for it",
                    reportSource.Description, key, reason);
            }

            LogUnmatchedKeys(counts);
            return counts;
        }
        catch (ReportSourceException ex)
        {
            logger.LogWarning("Report source {Source} {Reason}; this cycle uses probe-only statuses",
                reportSource.Description, ex.Message);
            return null;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Keys no server uses: usually a server renamed on one side only, so worth a line when debugging.</summary>
    private void LogUnmatchedKeys(ReportCounts counts)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var used = settings.Servers.Select(server => server.ReportKey).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unmatched = counts.Counts.Keys.Concat(counts.Rejected.Keys).Where(key => !used.Contains(key)).Order(StringComparer.Ordinal).ToList();
        if (unmatched.Count > 0)
        {
            logger.LogDebug("Report source {Source}: {Count} keys match no server: {Keys}", reportSource!.Description, unmatched.Count, string.Join(", ", unmatched));
        }
    }

    private async Task<(ComponentResolver? Components, string? Error)> ReadComponentsAsync(CancellationToken stopping)
    {
        if (cachet is null)
        {
            return (null, null);
        }

        try
        {
            var components = await cachet.ReadAllComponentsAsync(stopping);
            logger.LogDebug("Read {Count} components from Cachet", components.Count);
            return (new ComponentResolver(components), null);
        }
        catch (CachetException ex)
        {
            logger.LogError("Cachet could not be read, nothing will be written: {Error}", ex.Message);
            return (null, ex.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return (null, null);
        }
    }
}
