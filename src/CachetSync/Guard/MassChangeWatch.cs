using CachetSync.Configuration;
using CachetSync.Reports;
using CachetSync.Sync;

namespace CachetSync.Guard;

/// <summary>
/// One cycle's plans passing the mass-change guard on their way to the writer. Every plan goes on at once, except,
/// while the guard watches, a write to a worse status: it waits until the share still to come cannot make a mass
/// change, or until the last probe is in and <see cref="MassChangeGuard.DecideAsync"/> has weighed them all. A write a
/// witness vantage point confirmed (<see cref="PlannedServer.Confirmed"/>) is no longer this machine's word alone: it
/// goes on at once and counts for the judged only.
/// </summary>
public sealed class MassChangeWatch(
    MassChangeGuard guard, bool watches, IReadOnlyList<ServerSettings> servers, CyclePlanner planner, ReportCounts? counts, bool dryRun,
    CancellationToken stopping)
{
    /// <summary>What the guard did this cycle, once the plans have all passed; null for an ordinary cycle.</summary>
    public GuardReport? Report { get; private set; }

    public async IAsyncEnumerable<PlannedServer> PassAsync(IAsyncEnumerable<PlannedServer> plans)
    {
        var enabled = servers.Count(server => server.Enabled);
        var watching = watches;
        var held = new List<PlannedServer>();
        var (seen, judged, recent) = (0, 0, 0);
        await foreach (var planned in plans)
        {
            seen++;
            judged += planned.Plan.HasDesired && planned.Plan.Action != SyncAction.Disabled ? 1 : 0;
            var worsens = watching && MassChangeGuard.Worsens(planned.Plan) && !planned.Confirmed;
            recent += watching && !worsens && guard.WorsenedRecently(planned.Plan) ? 1 : 0;
            if (!worsens)
            {
                yield return planned;
                continue;
            }

            held.Add(planned);
            if (guard.CannotTrip(held.Count + recent, seen, servers.Count, enabled))
            {
                watching = false;
                foreach (var released in held)
                {
                    yield return released;
                }

                held.Clear();
            }
        }

        if (!watching)
        {
            guard.RememberOrdinary(dryRun);
            yield break;
        }

        var (report, decided) = await guard.DecideAsync(held, recent, judged, servers, planner, counts, dryRun, stopping);
        Report = report;
        foreach (var planned in decided)
        {
            yield return planned;
        }
    }
}
