using System.Diagnostics;
using System.Threading.Channels;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Guard;
using CachetSync.Output;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.State;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>
/// One cycle: probe every server while reading report counts and Cachet's components, map each server to its
/// desired status, and write only the statuses that differ. Pipelined: a server's write starts as soon as its
/// probe is in (and the counts and components are read), so writes overlap the wait for the slowest probes and a
/// cycle lasts about one probe timeout. One server's failure never stops the others; nothing is written unless
/// Cachet could be read.
/// </summary>
/// <remarks>
/// A stop request cancels probing and reading; from then on no write starts. Writes already in flight are allowed
/// to finish (for at most <see cref="CachetSettings.Timeout"/>), and every server whose write did not happen says
/// so in the summary. Between decision and write stands the <see cref="ChangeGate"/> (flap damping, manual holds),
/// whose memory the <see cref="StateStore"/> keeps; a dry run changes no memory.
/// </remarks>
/// <param name="cachet">None in a dry run with no Cachet configured.</param>
public sealed class SyncCycle(
    CachetSyncSettings settings,
    ServerProber prober,
    ReportReader reports,
    StateStore state,
    ILatencyMetrics metrics,
    TimeProvider time,
    ILogger<SyncCycle> logger,
    Telemetry.CycleTelemetry telemetry,
    NetworkCanaries canaries,
    MassChangeGuard guard,
    SelfComponent self,
    ICachetClient? cachet = null)
{
    /// <summary>What a server with <c>Enabled: false</c> is passed on as, probed or blind.</summary>
    private static readonly ProbeResult Disabled = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, "disabled in the configuration");

    private readonly ServerPlanner _planner = new(new ChangeGate(settings.Damping ?? DampingSettings.Immediate, settings.Cachet), state, logger);
    private readonly CycleServers _servers = new(settings, logger);
    private readonly CachetReads _cachetReads = new(cachet, settings, logger);
    private readonly StatusWriter? _writer = cachet is null
        ? null
        : new StatusWriter(cachet, settings.Cachet, settings.Incidents ?? IncidentSettings.Disabled, logger);

    public async Task<CycleSummary> RunAsync(bool dryRun, CancellationToken stopping)
    {
        using var activity = Telemetry.CycleTelemetry.Tracing.StartActivity("cachetsync.cycle");
        var summary = await RunCycleAsync(dryRun, stopping);
        telemetry.Record(summary);
        activity?.SetTag("cachetsync.servers", summary.Servers.Count);
        activity?.SetTag("cachetsync.exit_code", summary.ExitCode);
        activity?.SetStatus(summary.ExitCode == CycleSummary.ExitApplied ? ActivityStatusCode.Ok : ActivityStatusCode.Error, summary.CachetError);
        return summary;
    }

    private async Task<CycleSummary> RunCycleAsync(bool dryRun, CancellationToken stopping)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        // A dry run changes no memory, so it needs no lock; a cycle that writes must not interleave with another run's.
        var stateLocked = dryRun ? null : await state.LockAsync(stopping);
        var componentsTask = _cachetReads.ReadComponentsAsync(stopping);
        var servers = await _servers.OfThisCycleAsync(componentsTask);
        var probed = Channel.CreateUnbounded<(int Index, ProbeResult Probe)>(new UnboundedChannelOptions { SingleReader = true });
        // The canaries first: when none answers, the fleet's probes would only measure this machine's own blindness.
        var blind = await canaries.WhyBlindAsync(stopping);
        var probing = blind is null ? ProbeAllAsync(servers, probed.Writer, stopping) : NotProbedAsync(servers, blind, probed.Writer);
        var counts = await reports.ReadAsync(servers, stopping);
        var (read, cachetError) = await componentsTask;
        var components = read?.WithClaimsOf(servers);
        foreach (var why in components?.Contested.Values ?? [])
        {
            logger.LogWarning("Component refused: {Why}", why);
        }

        var cycle = new CyclePlans(servers, _planner, counts, components, cachetError, dryRun, startedAt);
        var toWrite = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleWriter = true });
        var writing = _writer?.WriteAllAsync(toWrite.Reader.ReadAllAsync(CancellationToken.None), cycle.Plans, cycle.Memories, stopping) ?? Task.CompletedTask;
        // A worsening write waits for the cycle's last probe while the mass-change guard watches: it may be one of many.
        var guarding = blind is null && guard.Watches(servers);
        var held = new List<int>();
        var enabled = servers.Count(server => server.Enabled);
        GuardReport? guardReport = blind is null ? null : new GuardReport(true, GuardCause.Canaries, blind);
        try
        {
            await cycle.PlanAsProbedAsync(probed.Reader, () => _cachetReads.ReadMaintenanceAsync(stopping), Planned);
            if (!guarding && blind is null)
            {
                guard.RememberOrdinary(dryRun);
            }
            else if (guarding)
            {
                guardReport = await guard.DecideAsync(cycle, servers, counts, dryRun, HandOn, stopping);
            }
            else
            {
                logger.LogWarning("Guard: {Reason}; nothing is written this cycle, every status stays as it is", blind);
                cycle.GuardAll("held: no canary answered, so this probe says nothing about the server");
            }
        }
        finally
        {
            toWrite.Writer.TryComplete();
            await writing;
            await probing;
        }

        // A worsening write is held while the guard watches, until the share still to come cannot make a mass change.
        bool Planned(int index)
        {
            if (!guarding || !MassChangeGuard.Worsens(cycle.Plans[index]))
            {
                return HandOn(index);
            }

            held.Add(index);
            if (!guard.CannotTrip(held.Count, cycle.PlannedCount, servers.Count, enabled))
            {
                return false;
            }

            guarding = false;
            held.Where(other => other != index).ToList().ForEach(other => cycle.HandOnHeld(other, HandOn));
            return HandOn(index);
        }

        // A planned write goes to the writer at once, unless a stop came first or another run holds the state.
        bool HandOn(int index)
        {
            if (stopping.IsCancellationRequested)
            {
                return false;
            }

            if (stateLocked is { } lockError)
            {
                cycle.Plans[index] = cycle.Plans[index] with { Action = SyncAction.Failed, Error = lockError };
                return false;
            }

            return toWrite.Writer.TryWrite(index);
        }

        if (stopping.IsCancellationRequested)
        {
            cycle.StopBeforeWriting();
        }

        var plans = cycle.Plans;
        if (!dryRun && stateLocked is null)
        {
            Remember(plans, cycle.Memories);
            if (!stopping.IsCancellationRequested)
            {
                await metrics.PostAsync(servers, plans, stopping);
            }
        }

        await self.UpdateAsync(plans, guardReport, counts?.Unavailable, components, dryRun || stateLocked is not null, stopping);
        if (stopping.IsCancellationRequested)
        {
            logger.LogWarning("Stopped during the cycle: {Skipped} servers skipped", plans.Count(outcome => outcome.Action == SyncAction.Skipped));
        }

        var summary = new CycleSummary(plans, cachetError, startedAt, time.GetElapsedTime(started), dryRun, stopping.IsCancellationRequested)
        {
            Shard = settings.Shard is { IsAll: false } shard ? shard.ToString() : null,
            Guard = guardReport,
            ReportsUnavailable = counts?.Unavailable,
        };
        logger.LogInformation("Cycle done in {Seconds:0.0} s: {Totals}", summary.Duration.TotalSeconds, SummaryTable.Counts(summary));
        MemoryReport.Log(logger);
        return summary;
    }

    /// <summary>
    /// Probes the enabled servers and passes each result on as it comes in, with its index in
    /// <paramref name="servers"/>; a disabled server is passed on at once, as not probed.
    /// </summary>
    private async Task ProbeAllAsync(IReadOnlyList<ServerSettings> servers, ChannelWriter<(int Index, ProbeResult Probe)> probed, CancellationToken stopping)
    {
        using var activity = Telemetry.CycleTelemetry.Tracing.StartActivity("cachetsync.probes");
        activity?.SetTag("cachetsync.servers", servers.Count);
        try
        {
            var enabled = new List<int>(servers.Count);
            for (var i = 0; i < servers.Count; i++)
            {
                if (servers[i].Enabled)
                {
                    enabled.Add(i);
                }
                else
                {
                    probed.TryWrite((i, Disabled));
                }
            }

            await prober.ProbeAllAsync(enabled.ConvertAll(i => servers[i]), stopping, (k, result) => probed.TryWrite((enabled[k], result)));
            probed.TryComplete();
        }
        catch (Exception ex)
        {
            // Passed on, so the cycle fails loudly instead of waiting for results that will never come.
            probed.TryComplete(ex);
        }
    }

    /// <summary>When no canary answered: every server is passed on as not probed, saying why.</summary>
    private static Task NotProbedAsync(IReadOnlyList<ServerSettings> servers, string blind, ChannelWriter<(int Index, ProbeResult Probe)> probed)
    {
        var notProbed = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, blind);
        for (var i = 0; i < servers.Count; i++)
        {
            probed.TryWrite((i, servers[i].Enabled ? notProbed : Disabled));
        }

        probed.TryComplete();
        return Task.CompletedTask;
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

}
