using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.State;
using CachetSync.Sync;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Guard;

/// <summary>
/// The mass-change guard: a cycle in which more than <c>Guard.MaxWorseningShare</c> of the servers would get worse
/// is more often the prober's fault (its uplink, its resolver, its CPU) than a fleet failing together. "Worse" counts
/// over <c>Guard.Window</c>, not only against the page: a cut that widens over several cycles (40 %, then 80 %) makes
/// each cycle's page worse before the next compares with it, so the components written worse within the window and
/// still shown worse count too. Those worsening writes wait for the cycle's last probe; then they are probed again
/// after <c>Guard.ConfirmAfter</c>, and written only when a second witness agrees: members' reports for those servers
/// rising. A canary answering is no such witness: it proves this machine has a network, not that its path to the
/// fleet is whole (a route cut to 60 % of the fleet leaves the gateway answering). Without a witness they are held,
/// for at most <c>Guard.WriteHeldAfter</c> cycles in a row: a real outage must reach the page even where no witness
/// exists, and by then the exit code, the self component and the heartbeat have told someone. Improvements are
/// never held. A witness vantage point (<see cref="WitnessCheck"/>) settles its servers before they get here.
/// </summary>
public sealed class MassChangeGuard(
    GuardSettings settings, ServerProber prober, ReportReader reports, StateStore state, TimeProvider time, ILogger logger)
{
    /// <summary>Whether this cycle's worsening writes must wait for its last probe (the guard is on and the fleet large enough).</summary>
    public bool Watches(IReadOnlyList<ServerSettings> servers) => settings.Enabled && servers.Count(server => server.Enabled) >= settings.MinServers;

    /// <summary>A planned write to a worse status; a component never written yet counts from Operational.</summary>
    public static bool Worsens(ServerOutcome plan) => plan.Action is SyncAction.Updated or SyncAction.DryRun && IsWorse(plan);

    /// <summary>The desired status is worse than the page's (a component never written yet counts from Operational).</summary>
    public static bool IsWorse(ServerOutcome plan) => plan.Desired.Status > Shown(plan.Current);

    /// <summary>
    /// Not worsening now, but written worse by CachetSync within <c>Guard.Window</c> and still shown worse: part of a
    /// change that may be spreading over cycles.
    /// </summary>
    public bool WorsenedRecently(ServerOutcome plan) =>
        settings.Window > TimeSpan.Zero
        && plan is { ComponentId: { } id, Current: > ComponentStatus.Operational }
        && state.Current.For(id).WorsenedAt is { } at
        && time.GetUtcNow() - at < settings.Window;

    private static ComponentStatus Shown(ComponentStatus? current) => current is null or ComponentStatus.Unknown ? ComponentStatus.Operational : current.Value;

    /// <summary>This cycle's watch: the step its plans pass through on their way to the writer.</summary>
    public MassChangeWatch Watch(IReadOnlyList<ServerSettings> servers, CyclePlanner planner, ReportCounts? counts, bool dryRun, CancellationToken stopping) =>
        new(this, Watches(servers), servers, planner, counts, dryRun, stopping);

    /// <summary>
    /// Once every probe is in, the held worsening plans: handed on as they are — or, when too many servers would get
    /// worse, confirmed first, and those no witness confirms left as <see cref="SyncAction.Guarded"/>.
    /// </summary>
    /// <param name="recent">How many others were written worse within the window and still show it (<see cref="WorsenedRecently"/>).</param>
    /// <param name="judged">How many of the cycle's servers got a status of their own (the share's denominator).</param>
    /// <returns>What the guard did (null when the cycle was ordinary), and the plans to hand on.</returns>
    public async Task<(GuardReport? Report, IReadOnlyList<PlannedServer> Plans)> DecideAsync(
        IReadOnlyList<PlannedServer> worsening, int recent, int judged, IReadOnlyList<ServerSettings> servers, CyclePlanner planner, ReportCounts? counts,
        bool dryRun, CancellationToken stopping)
    {
        if (!TooMany(worsening.Count + recent, judged))
        {
            Remember(dryRun, heldCycles: 0);
            return (null, worsening);
        }

        var reason = recent == 0
            ? $"{worsening.Count} of {judged} servers would get worse at once (more than {settings.MaxWorseningShare:P0})"
            : $"{worsening.Count} of {judged} servers would get worse, and {recent} more were written worse within {DurationText.Format(settings.Window)} " +
              $"(together more than {settings.MaxWorseningShare:P0})";
        logger.LogWarning("Guard: {Reason}; those changes are held and probed again in {ConfirmAfter}", reason, DurationText.Format(settings.ConfirmAfter));
        var (secondCounts, again) = await ProbeAgainAsync(worsening, servers, planner, stopping);
        if (stopping.IsCancellationRequested)
        {
            return (new GuardReport(true, GuardCause.MassChange, reason), again);
        }

        var still = again.Where(planned => Worsens(planned.Plan)).ToList();
        if (!TooMany(still.Count + recent, judged))
        {
            Remember(dryRun, heldCycles: 0);
            return (new GuardReport(false, GuardCause.MassChange, reason, $"not confirmed: probed again, {still.Count} would get worse"), again);
        }

        var heldBefore = state.Current.GuardHeldCycles;
        var witness = ReportsRose(still.Select(planned => servers[planned.Index]), counts, secondCounts)
            ?? (heldBefore >= settings.WriteHeldAfter ? $"held {heldBefore} cycles in a row (Guard.WriteHeldAfter {settings.WriteHeldAfter}): written anyway" : null);
        if (witness is not null)
        {
            logger.LogWarning("Guard: {Count} servers really got worse, confirmed by {Witness}: written", still.Count, witness);
            Remember(dryRun, heldCycles: 0);
            var confirmed = again.Select(planned => planned with { Plan = planned.Plan with { Note = $"mass change confirmed: {witness}" } }).ToList();
            return (new GuardReport(false, GuardCause.MassChange, reason, witness), confirmed);
        }

        var why = $"{reason}, still so {DurationText.Format(settings.ConfirmAfter)} later, and no witness or members' reports confirm it " +
                  $"(held cycle {heldBefore + 1}; written after {settings.WriteHeldAfter} such cycles in a row)";
        logger.LogWarning("Guard: {Why}", why);
        Remember(dryRun, heldCycles: heldBefore + 1);
        var decided = again.Select(planned => Worsens(planned.Plan) ? Held(planned, $"held: {why}") : planned).ToList();
        return (new GuardReport(true, GuardCause.MassChange, why), decided);
    }

    /// <summary>A planned change left unwritten, saying why; its component's memory is not touched.</summary>
    public static PlannedServer Held(PlannedServer planned, string note) =>
        planned.Instead(SyncAction.Guarded, error: null, note) with { Memory = null };

    /// <summary>Even if every server still to come got worse, this cycle would be no mass change: its writes need not wait.</summary>
    /// <param name="enabled">The servers that will be judged (the disabled still to come count as if worsening: erring towards holding).</param>
    /// <param name="worseningSoFar">The worsening plans held so far, and the recently worsened seen so far.</param>
    public bool CannotTrip(int worseningSoFar, int plannedSoFar, int servers, int enabled) =>
        worseningSoFar + (servers - plannedSoFar) <= settings.MaxWorseningShare * enabled;

    /// <summary>A cycle released early (no mass change possible): the count of held cycles starts again.</summary>
    public void RememberOrdinary(bool dryRun) => Remember(dryRun, heldCycles: 0);

    private bool TooMany(int worsening, int judged) => worsening > 0 && worsening > settings.MaxWorseningShare * judged;

    /// <summary>After <c>ConfirmAfter</c>: the worsening servers and the report counts, both at once.</summary>
    /// <returns>The counts read again, and the servers planned again.</returns>
    private async Task<(ReportCounts? Counts, IReadOnlyList<PlannedServer> Again)> ProbeAgainAsync(
        IReadOnlyList<PlannedServer> worsening, IReadOnlyList<ServerSettings> servers, CyclePlanner planner, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(settings.ConfirmAfter, time, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return (null, worsening);
        }

        var probes = prober.ProbeAllAsync(worsening.Select(planned => servers[planned.Index]).ToList(), stopping);
        var counts = reports.ReadAsync(servers, stopping);
        var again = await probes;
        var secondCounts = await counts;
        var replanned = worsening
            .Select((planned, k) => planner.Plan(planned.Index, again[k] with { Detail = $"{again[k].Detail} (probed again: mass change)" }, secondCounts))
            .ToList();
        return (secondCounts, replanned);
    }

    /// <summary>Members' reports for the servers in question rose between the two reads: they see it too.</summary>
    private static string? ReportsRose(IEnumerable<ServerSettings> held, ReportCounts? first, ReportCounts? second)
    {
        if (first is not { Unavailable: null } || second is not { Unavailable: null })
        {
            return null;
        }

        long before = 0, after = 0;
        foreach (var server in held)
        {
            before += first.For(server.ReportKey) ?? 0;
            after += second.For(server.ReportKey) ?? 0;
        }

        return after > before ? $"members' reports for them rose from {before} to {after}" : null;
    }

    private void Remember(bool dryRun, int heldCycles)
    {
        // A dry run changes no memory.
        if (!dryRun)
        {
            state.Current.GuardHeldCycles = heldCycles;
        }
    }
}
