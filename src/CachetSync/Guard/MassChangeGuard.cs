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
/// at once is more often the prober's fault (its uplink, its resolver, its CPU) than a fleet failing together. Those
/// worsening writes wait for the cycle's last probe; then they are probed again after <c>Guard.ConfirmAfter</c>, and
/// written only when a second witness agrees: a canary answering (the network works, so the servers really are
/// dark), or members' reports for those servers rising. Without a witness they are held, for at most
/// <c>Guard.WriteHeldAfter</c> cycles in a row: a real outage must reach the page even where no witness exists, and
/// by then the exit code, the self component and the heartbeat have told someone. Improvements are never held.
/// </summary>
public sealed class MassChangeGuard(
    GuardSettings settings, ServerProber prober, NetworkCanaries canaries, ReportReader reports, StateStore state, TimeProvider time, ILogger logger)
{
    /// <summary>Whether this cycle's worsening writes must wait for its last probe (the guard is on and the fleet large enough).</summary>
    public bool Watches(IReadOnlyList<ServerSettings> servers) => settings.Enabled && servers.Count(server => server.Enabled) >= settings.MinServers;

    /// <summary>A planned write to a worse status; a component never written yet counts from Operational.</summary>
    public static bool Worsens(ServerOutcome plan) =>
        plan.Action is SyncAction.Updated or SyncAction.DryRun
        && plan.Desired.Status > (plan.Current is null or ComponentStatus.Unknown ? ComponentStatus.Operational : plan.Current.Value);

    /// <summary>
    /// Once every probe is in: hands the held writes on, or — when too many servers would get worse — confirms them
    /// first, and leaves those no witness confirms as <see cref="SyncAction.Guarded"/>.
    /// </summary>
    /// <returns>What the guard did, or null when the cycle was ordinary.</returns>
    public async Task<GuardReport?> DecideAsync(
        CyclePlans cycle, IReadOnlyList<ServerSettings> servers, ReportCounts? counts, bool dryRun, Func<int, bool> handOn, CancellationToken stopping)
    {
        var judged = cycle.Plans.Count(plan => plan.HasDesired && plan.Action != SyncAction.Disabled);
        var worsening = Worsening(cycle, Enumerable.Range(0, cycle.Plans.Length));
        if (!TooMany(worsening.Count, judged))
        {
            worsening.ForEach(index => cycle.HandOnHeld(index, handOn));
            Remember(dryRun, heldCycles: 0);
            return null;
        }

        var reason = $"{worsening.Count} of {judged} servers would get worse at once (more than {settings.MaxWorseningShare:P0})";
        logger.LogWarning("Guard: {Reason}; those changes are held and probed again in {ConfirmAfter}", reason, DurationText.Format(settings.ConfirmAfter));
        var (blind, secondCounts) = await ProbeAgainAsync(cycle, servers, worsening, stopping);
        if (stopping.IsCancellationRequested)
        {
            return new GuardReport(true, GuardCause.MassChange, reason);
        }

        var still = Worsening(cycle, worsening);
        if (!TooMany(still.Count, judged))
        {
            worsening.ForEach(index => cycle.HandOnHeld(index, handOn));
            Remember(dryRun, heldCycles: 0);
            return new GuardReport(false, GuardCause.MassChange, reason, $"not confirmed: probed again, {still.Count} would get worse");
        }

        var heldBefore = state.Current.GuardHeldCycles;
        var witness = canaries.Configured
            ? blind is null ? "a canary answered" : null
            : ReportsRose(still.Select(index => servers[index]), counts, secondCounts)
              ?? (heldBefore >= settings.WriteHeldAfter ? $"held {heldBefore} cycles in a row (Guard.WriteHeldAfter {settings.WriteHeldAfter}): written anyway" : null);
        if (witness is not null)
        {
            logger.LogWarning("Guard: {Count} servers really got worse, confirmed by {Witness}: written", still.Count, witness);
            foreach (var index in worsening)
            {
                cycle.Note(index, $"mass change confirmed: {witness}");
                cycle.HandOnHeld(index, handOn);
            }

            Remember(dryRun, heldCycles: 0);
            return new GuardReport(false, GuardCause.MassChange, reason, witness);
        }

        var why = blind is not null
            ? $"{reason}, and {blind}"
            : $"{reason}, still so {DurationText.Format(settings.ConfirmAfter)} later, and no canary or members' reports confirm it " +
              $"(held cycle {heldBefore + 1}; written after {settings.WriteHeldAfter} such cycles in a row)";
        logger.LogWarning("Guard: {Why}", why);
        still.ForEach(index => cycle.Guard(index, $"held: {why}"));
        worsening.Except(still).ToList().ForEach(index => cycle.HandOnHeld(index, handOn));
        Remember(dryRun, heldCycles: heldBefore + 1);
        return new GuardReport(true, GuardCause.MassChange, why);
    }

    /// <summary>Even if every server still to come got worse, this cycle would be no mass change: its writes need not wait.</summary>
    /// <param name="enabled">The servers that will be judged (the disabled still to come count as if worsening: erring towards holding).</param>
    public bool CannotTrip(int worseningSoFar, int plannedSoFar, int servers, int enabled) =>
        worseningSoFar + (servers - plannedSoFar) <= settings.MaxWorseningShare * enabled;

    /// <summary>A cycle released early (no mass change possible): the count of held cycles starts again.</summary>
    public void RememberOrdinary(bool dryRun) => Remember(dryRun, heldCycles: 0);

    private bool TooMany(int worsening, int judged) => worsening > 0 && worsening > settings.MaxWorseningShare * judged;

    private static List<int> Worsening(CyclePlans cycle, IEnumerable<int> indexes) => indexes.Where(index => Worsens(cycle.Plans[index])).ToList();

    /// <summary>After <c>ConfirmAfter</c>: the worsening servers, the canaries and the report counts, all at once.</summary>
    private async Task<(string? Blind, ReportCounts? Counts)> ProbeAgainAsync(
        CyclePlans cycle, IReadOnlyList<ServerSettings> servers, List<int> worsening, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(settings.ConfirmAfter, time, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return (null, null);
        }

        var probes = prober.ProbeAllAsync(worsening.ConvertAll(index => servers[index]), stopping);
        var blind = canaries.WhyBlindAsync(stopping);
        var counts = reports.ReadAsync(servers, stopping);
        var again = await probes;
        var secondCounts = await counts;
        for (var k = 0; k < worsening.Count; k++)
        {
            cycle.Replan(worsening[k], again[k] with { Detail = $"{again[k].Detail} (probed again: mass change)" }, secondCounts);
        }

        return (await blind, secondCounts);
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
