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
    ReportReader reports,
    ICachetClient? cachet,
    StateStore state,
    LatencyMetrics? metrics,
    TimeProvider time,
    ILogger<SyncCycle> logger)
{
    private readonly ChangeGate _gate = new(settings.Damping ?? DampingSettings.Immediate, settings.Cachet);
    private readonly StatusWriter? _writer = cachet is null
        ? null
        : new StatusWriter(cachet, settings.Cachet, settings.Incidents ?? IncidentSettings.Disabled, logger);

    public async Task<CycleSummary> RunAsync(bool dryRun, CancellationToken stopping)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        // A dry run changes no memory, so it needs no lock; a cycle that writes must not interleave with another run's.
        var stateLocked = dryRun ? null : await state.LockAsync(stopping);
        var componentsTask = ReadComponentsAsync(stopping);
        var servers = await ServersAsync(componentsTask);
        var probesTask = ProbeEnabledAsync(servers, stopping);
        var reportsTask = reports.ReadAsync(servers, stopping);
        var probes = await probesTask;
        var counts = await reportsTask;
        var (components, cachetError) = await componentsTask;

        var plans = new ServerOutcome[servers.Count];
        var memories = new ComponentMemory?[servers.Count];
        PlanAll();

        // Maintenance matters only to a change: a quiet cycle costs Cachet one read, not two.
        if (components is not null && plans.Any(plan => plan.Action is SyncAction.Updated or SyncAction.DryRun)
            && await ReadMaintenanceAsync(stopping) is { Count: > 0 } schedules)
        {
            components = components.WithSchedules(schedules);
            PlanAll();
        }

        void PlanAll()
        {
            for (var i = 0; i < servers.Count; i++)
            {
                (plans[i], memories[i]) = PlanOne(servers[i], probes[i], counts, components, cachetError, dryRun, startedAt);
            }
        }

        var outcomes = stopping.IsCancellationRequested ? plans.Select(StoppedBeforeWriting).ToArray()
            : stateLocked is { } lockError ? plans.Select(plan => plan.Action == SyncAction.Updated ? plan with { Action = SyncAction.Failed, Error = lockError } : plan).ToArray()
            : _writer is null ? plans // no Cachet (a dry run without one): nothing can have been planned for writing
            : await _writer.WriteAllAsync(plans, memories, stopping);
        if (!dryRun && stateLocked is null)
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

    /// <summary>One server's plan and gate; a fault in them (a bug, a value nothing foresaw) stays that server's.</summary>
    private (ServerOutcome Plan, ComponentMemory? Memory) PlanOne(
        ServerSettings server, ProbeResult probe, ReportCounts? counts, ComponentResolver? components, string? cachetError, bool dryRun, DateTimeOffset now)
    {
        var count = counts?.For(server.ReportKey);
        try
        {
            var desired = probe.Kind is ProbeKind.Stopped or ProbeKind.NotProbed
                ? new StatusDecision(ComponentStatus.Unknown, probe.Detail)
                : ThresholdMapper.Map(probe, count, server.Thresholds);
            return Gate(Plan(server, probe, count, desired, components, cachetError, dryRun), dryRun, now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Server}: could not be planned; left as it is", server.Name);
            var failed = new ServerOutcome(
                server.Name, probe, count, new StatusDecision(ComponentStatus.Unknown, "not planned"), server.ComponentId, null, SyncAction.Failed, $"not planned: {ex.Message}");
            return (failed, null);
        }
    }

    /// <summary>After a stop request no write starts; a server whose write could not happen says why.</summary>
    private static ServerOutcome StoppedBeforeWriting(ServerOutcome plan) =>
        plan.Action == SyncAction.Updated || (plan is { Action: SyncAction.Skipped, Error: null } && plan.HasDesired)
            ? plan with { Action = SyncAction.Skipped, Error = StatusWriter.StoppedBeforeWriting }
            : plan;

    /// <summary>
    /// The servers of this cycle. Entries naming a component group need Cachet's components first; without such
    /// entries the probes start at once, while Cachet is still being read.
    /// </summary>
    private async Task<IReadOnlyList<ServerSettings>> ServersAsync(Task<(ComponentResolver? Components, string? Error)> componentsTask)
    {
        var templates = settings.Templates ?? [];
        if (templates.Count == 0)
        {
            return settings.Servers;
        }

        if ((await componentsTask).Components is not { } components)
        {
            logger.LogWarning("{Count} group entries of Servers need Cachet's components to find their servers; skipped this cycle", templates.Count);
            return settings.Servers;
        }

        var (servers, problems) = ServerDiscovery.Expand(settings.Servers, templates, components.Components, components.Groups);
        foreach (var problem in problems)
        {
            logger.LogWarning("{Problem}", problem);
        }

        logger.LogDebug("{Count} servers found through component groups", servers.Count - settings.Servers.Count);
        return servers;
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

        if (probe.Kind == ProbeKind.NotProbed)
        {
            // This machine could not probe it (no socket to spare): nothing is known, so nothing is written.
            return outcome with { Action = SyncAction.Failed, Error = probe.Detail };
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
        if (components.MaintenanceOf(component.Id) is { } maintenance && current != desired.Status)
        {
            return outcome with
            {
                ComponentId = component.Id, Current = current, Action = SyncAction.Maintenance, Note = $"under maintenance: {maintenance}",
            };
        }

        var action = probe.Kind == ProbeKind.Stopped ? SyncAction.Skipped
            : current == desired.Status ? SyncAction.Unchanged
            : dryRun ? SyncAction.DryRun
            : SyncAction.Updated;
        return outcome with { ComponentId = component.Id, Current = current, Action = action };
    }

    /// <summary>
    /// The maintenance schedules, when components under maintenance are to be left alone. If they cannot be read the
    /// cycle goes on without them, with a warning: statuses are the job, and a Cachet without schedules is common.
    /// </summary>
    private async Task<IReadOnlyList<CachetSchedule>> ReadMaintenanceAsync(CancellationToken stopping)
    {
        if (!settings.Cachet.RespectMaintenance)
        {
            return [];
        }

        try
        {
            return await cachet!.ReadMaintenanceSchedulesAsync(stopping);
        }
        catch (CachetException ex)
        {
            logger.LogWarning("Maintenance schedules could not be read, so none is respected this cycle: {Error}", ex.Message);
            return [];
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return [];
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
            // One after the other, not at once: after an outage the circuit breaker lets one trial call through,
            // and that call must be the one the cycle cannot do without. (Schedules come later, and only for a change.)
            var components = await cachet.ReadAllComponentsAsync(stopping);
            logger.LogDebug("Read {Count} components from Cachet", components.Count);
            var groups = settings.Templates is { Count: > 0 } ? await cachet.ReadAllGroupsAsync(stopping) : [];
            return (new ComponentResolver(components, groups: groups), null);
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
