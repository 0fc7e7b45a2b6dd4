using System.Diagnostics;
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
/// desired status, and write only the statuses that differ. <see cref="RunCycleAsync"/> is that list of steps, in
/// order. Pipelined: each step hands the next one every server as an immutable <see cref="PlannedServer"/> as soon as
/// its probe is in (and the counts and components are read), so writes overlap the wait for the slowest probes and
/// a cycle lasts about one probe timeout. One server's failure never stops the others; nothing is written unless
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
    WitnessCheck witnesses,
    SelfComponent self,
    CachetVersion? cachet = null)
{
    private readonly ServerPlanner _planner = new(new ChangeGate(settings.Damping ?? DampingSettings.Immediate, settings.Cachet), state, logger);
    private readonly CycleServers _servers = new(settings, logger);
    private readonly CachetReader _cachetReader = new(cachet, settings, logger);
    private readonly LockedDatabase _lockedDatabase = cachet?.LockedDatabase ?? new LockedDatabase();

    /// <summary>1 once this process said that Cachet's change stamp does not move on a write (said once, not per write).</summary>
    private int _stampStillSaid;

    /// <param name="untilNext">A worker's: how long until its next cycle is due, the cycle's budget (<see cref="ProbeSettings.BudgetFor"/>).</param>
    public async Task<CycleSummary> RunAsync(bool dryRun, CancellationToken stopping, TimeSpan? untilNext = null)
    {
        using var activity = Telemetry.CycleTelemetry.Tracing.StartActivity("cachetsync.cycle");
        var summary = await RunCycleAsync(dryRun, settings.Probe.BudgetFor(untilNext), stopping);
        telemetry.Record(summary);
        activity?.SetTag("cachetsync.servers", summary.Servers.Count);
        activity?.SetTag("cachetsync.exit_code", summary.ExitCode);
        activity?.SetStatus(summary.ExitCode == CycleSummary.ExitApplied ? ActivityStatusCode.Ok : ActivityStatusCode.Error, summary.CachetError);
        return summary;
    }

    /// <summary>The cycle, step by step; each step takes what the last one gave. Plans stream from step 3 to 5.</summary>
    private async Task<CycleSummary> RunCycleAsync(bool dryRun, TimeSpan budget, CancellationToken stopping)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        // A dry run changes no memory, so it needs no lock; a cycle that writes must not interleave with another run's.
        var lockError = dryRun ? null : await state.LockAsync(stopping);

        // 1. Can this machine see? Cachet's components are read meanwhile (component groups may name the servers).
        var reading = _cachetReader.ReadComponentsAsync(stopping);
        var servers = await _servers.ListAsync(reading);
        var (blind, canaryProblem) = await canaries.CheckAsync(stopping);
        if (canaryProblem is not null)
        {
            logger.LogWarning("Guard: {Problem}", canaryProblem);
        }


        // 2. Probe every server, while the report counts and Cachet's components are read.
        var probes = CycleProbes.Start(prober, servers, blind, budget, state.Current.Unjudged, stopping);
        var counts = await reports.ReadAsync(servers, stopping);
        var cachetRead = await ComponentsClaimedAsync(reading, servers);

        // 3. Map each server through the thresholds and plan it (damping, holds, maintenance) as its probe comes in.
        var planner = new CyclePlanner(servers, _planner, counts, cachetRead.Components, cachetRead.Error, dryRun, startedAt);
        var plans = planner.PlanAsProbedAsync(probes.ResultsAsync(), () => _cachetReader.ReadMaintenanceAsync(cachetRead.Client!, stopping));

        // 4. The guard: blind, nothing is written; else the witnesses settle what only this machine saw worse, and the
        //    mass-change guard holds the rest of a worsening too large to be the servers' own.
        var witnessed = blind is null && witnesses.Asks ? witnesses.Pass(servers, stopping) : null;
        var watch = blind is null ? guard.Watch(servers, planner, counts, dryRun, stopping) : null;
        var guarded = watch?.PassAsync(witnessed?.PassAsync(plans) ?? plans) ?? AllHeldAsync(plans, blind!);

        // 5. Write only what changed (nothing while another run holds the state).
        var done = await WriteAsync(cachetRead.Client, lockError is null ? guarded : NotWrittenAsync(guarded, lockError), servers.Count, startedAt, stopping);
        var outcomes = (stopping.IsCancellationRequested ? done.Select(StoppedBeforeWriting) : done).ToList();

        // 6. Remember, post the latencies, tell the self component, and report.
        var plansDone = outcomes.ConvertAll(planned => planned.Plan);
        string? stateError = null;
        if (!dryRun && lockError is null)
        {
            stateError = Remember(outcomes, startedAt);
            if (!stopping.IsCancellationRequested)
            {
                await metrics.PostAsync(servers, plansDone, stopping);
            }
        }

        var guardReport = blind is null ? watch!.Report : new GuardReport(true, GuardCause.Canaries, blind);
        await self.UpdateAsync(plansDone, guardReport, counts?.Unavailable, cachetRead, dryRun || lockError is not null, stopping);
        return Summarize(plansDone, cachetRead.Error, guardReport, counts, startedAt, time.GetElapsedTime(started), dryRun, stopping) with
        {
            Witnesses = witnessed?.Said,
            StateError = stateError,
            CanaryProblem = canaryProblem,
        };
    }

    /// <summary>Cachet's components as read, each server's claim on them weighed (a component two servers claim is refused).</summary>
    private async Task<CachetRead> ComponentsClaimedAsync(Task<CachetRead> reading, IReadOnlyList<ServerSettings> servers)
    {
        var read = await reading;
        var claimed = read.Components?.WithClaimsOf(servers);
        foreach (var why in claimed?.Contested.Values ?? [])
        {
            logger.LogWarning("Component refused: {Why}", why);
        }

        return read with { Components = claimed };
    }

    /// <summary>No canary answered: every enabled server is left as it is, saying why.</summary>
    private async IAsyncEnumerable<PlannedServer> AllHeldAsync(IAsyncEnumerable<PlannedServer> plans, string blind)
    {
        logger.LogWarning("Guard: {Reason}; nothing is written this cycle, every status stays as it is", blind);
        await foreach (var planned in plans)
        {
            yield return planned.Plan.Action == SyncAction.Disabled
                ? planned
                : MassChangeGuard.Held(planned, "held: no canary answered, so this probe says nothing about the server");
        }
    }

    /// <summary>Another run holds the state file: a write now could undo what it remembers, so none is sent.</summary>
    private static async IAsyncEnumerable<PlannedServer> NotWrittenAsync(IAsyncEnumerable<PlannedServer> plans, string lockError)
    {
        await foreach (var planned in plans)
        {
            yield return planned.IsWrite ? planned.Instead(SyncAction.Failed, lockError) : planned;
        }
    }

    /// <param name="cachet">The client of this Cachet's version; none when Cachet was not read.</param>
    private async Task<IReadOnlyList<PlannedServer>> WriteAsync(
        ICachetClient? cachet, IAsyncEnumerable<PlannedServer> plans, int count, DateTimeOffset now, CancellationToken stopping)
    {
        if (cachet is not null)
        {
            var writer = new StatusWriter(
                cachet, settings.Cachet, settings.Incidents ?? IncidentSettings.Disabled, logger, now, () => Interlocked.Exchange(ref _stampStillSaid, 1) == 0, _lockedDatabase);
            return await writer.WriteAllAsync(plans, count, stopping);
        }

        // No Cachet to write to (a dry run without one), or none read: nothing is a write then.
        var done = new PlannedServer[count];
        await foreach (var planned in plans)
        {
            done[planned.Index] = planned;
        }

        return done;
    }

    /// <summary>
    /// After a stop request: a server left unplanned for want of its probe says it was not written. (A write the writer
    /// was handed says itself what became of it: written, failed, or skipped because of the stop.)
    /// </summary>
    private static PlannedServer StoppedBeforeWriting(PlannedServer planned) =>
        planned.Plan is { Action: SyncAction.Skipped, Error: null, HasDesired: true }
            ? planned.Instead(SyncAction.Skipped, StatusWriter.StoppedBeforeWriting)
            : planned;

    /// <summary>Keeps what the gate decided, and what Cachet confirmed, for the next cycle; then saves the state.</summary>
    /// <returns>Why the state could not be saved; null when it was.</returns>
    private string? Remember(IReadOnlyList<PlannedServer> outcomes, DateTimeOffset now)
    {
        RememberUnjudged(outcomes, now);
        foreach (var (_, outcome, memory, _) in outcomes)
        {
            if (memory is null || outcome.ComponentId is not { } id)
            {
                continue;
            }

            switch (outcome.Action)
            {
                case SyncAction.Updated:
                    // The writer's memory: written and read back.
                    state.Current.Set(id, memory with { WorsenedAt = MassChangeGuard.IsWorse(outcome) ? now : null });
                    break;
                case SyncAction.Unchanged or SyncAction.Damped or SyncAction.Held:
                case SyncAction.Failed when outcome.WriteNotKept || outcome.OtherWriter:
                    state.Current.Set(id, memory);
                    break;
            }
        }

        return state.Save();
    }

    /// <summary>Who this cycle could not judge, probed first next cycle; a server judged, or no longer configured, is forgotten.</summary>
    private void RememberUnjudged(IReadOnlyList<PlannedServer> outcomes, DateTimeOffset now)
    {
        var before = state.Current.Unjudged;
        var after = new Dictionary<string, UnjudgedServer>();
        foreach (var (_, outcome, _, _) in outcomes)
        {
            if (outcome.Probe.IsNotJudged)
            {
                after[outcome.Server] = before.TryGetValue(outcome.Server, out var was) ? was with { Cycles = was.Cycles + 1 } : new UnjudgedServer(now, 1);
            }
            else if (!outcome.HasDesired && before.TryGetValue(outcome.Server, out var still))
            {
                // Not probed at all this cycle (blind, disabled): no verdict, and no cycle of its own lost either.
                after[outcome.Server] = still;
            }
        }

        state.Current.Unjudged = after;
    }

    private CycleSummary Summarize(
        List<ServerOutcome> outcomes, string? cachetError, GuardReport? guardReport, ReportCounts? counts, DateTimeOffset startedAt, TimeSpan duration,
        bool dryRun, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested)
        {
            logger.LogWarning("Stopped during the cycle: {Skipped} servers skipped", outcomes.Count(outcome => outcome.Action == SyncAction.Skipped));
        }

        var summary = new CycleSummary(outcomes, cachetError, startedAt, duration, dryRun, stopping.IsCancellationRequested)
        {
            Shard = settings.Shard is { IsAll: false } shard ? shard.ToString() : null,
            Guard = guardReport,
            ReportsUnavailable = counts?.Unavailable,
        };
        logger.LogInformation("Cycle done in {Seconds:0.0} s: {Totals}", summary.Duration.TotalSeconds, SummaryTable.Counts(summary));
        MemoryReport.Log(logger);
        return summary;
    }
}
