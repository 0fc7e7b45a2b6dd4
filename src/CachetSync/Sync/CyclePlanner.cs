using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;

namespace CachetSync.Sync;

/// <summary>
/// Plans a cycle's servers as their probes come in, against what the cycle read: report counts and Cachet's
/// components. The first planned change makes it read the maintenance schedules (once) — a quiet cycle costs Cachet
/// no schedule read — and the servers planned before then are planned again with them, so every server sees the same
/// schedules. Until then nothing needs writing, so those plans wait here rather than go out twice.
/// </summary>
public sealed class CyclePlanner(
    IReadOnlyList<ServerSettings> servers, ServerPlanner planner, ReportCounts? counts, ComponentResolver? components, string? cachetError, bool dryRun, DateTimeOffset now)
{
    private ComponentResolver? _components = components;

    /// <param name="readSchedules">Reads the maintenance schedules in progress (none when they are not respected).</param>
    public async IAsyncEnumerable<PlannedServer> PlanAsProbedAsync(
        IAsyncEnumerable<(int Index, ProbeResult Probe)> probed, Func<Task<IReadOnlyList<CachetSchedule>>> readSchedules)
    {
        var beforeAnyChange = new List<(PlannedServer Planned, ProbeResult Probe)>();
        var schedulesRead = false;
        await foreach (var (index, probe) in probed)
        {
            var planned = Plan(index, probe);
            if (schedulesRead)
            {
                yield return planned;
                continue;
            }

            beforeAnyChange.Add((planned, probe));
            if (_components is null || planned.Plan.Action is not (SyncAction.Updated or SyncAction.DryRun))
            {
                continue;
            }

            schedulesRead = true;
            var schedules = await readSchedules();
            if (schedules.Count > 0)
            {
                _components = _components.WithSchedules(schedules);
            }

            foreach (var (earlier, earlierProbe) in beforeAnyChange)
            {
                yield return schedules.Count > 0 ? Plan(earlier.Index, earlierProbe) : earlier;
            }
        }

        if (!schedulesRead)
        {
            foreach (var (planned, _) in beforeAnyChange)
            {
                yield return planned;
            }
        }
    }

    /// <summary>A server planned with what the cycle knows (a second probe and counts too: the guard's confirmation).</summary>
    public PlannedServer Plan(int index, ProbeResult probe, ReportCounts? countsNow = null)
    {
        var (plan, memory) = planner.Plan(servers[index], probe, countsNow ?? counts, _components, cachetError, dryRun, now);
        return new PlannedServer(index, plan, memory);
    }
}
