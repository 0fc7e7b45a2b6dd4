using System.Threading.Channels;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.State;

namespace CachetSync.Sync;

/// <summary>
/// One cycle's plans, made as the probes come in: each server is planned as soon as its probe is, and a planned
/// write is handed on at once. The first planned change makes the cycle read the maintenance schedules (once);
/// the servers planned before then are planned again with them, so every server sees the same schedules.
/// </summary>
public sealed class CyclePlans(
    IReadOnlyList<ServerSettings> servers, ServerPlanner planner, ReportCounts? counts, ComponentResolver? components, string? cachetError, bool dryRun, DateTimeOffset now)
{
    private readonly ProbeResult[] _probes = new ProbeResult[servers.Count];
    private readonly bool[] _handedOn = new bool[servers.Count];
    private readonly List<int> _planned = new(servers.Count);
    private ComponentResolver? _components = components;
    private bool _schedulesRead;

    /// <summary>One per server, in server order; a handed-on write's plan is replaced by what the writer did.</summary>
    public ServerOutcome[] Plans { get; } = new ServerOutcome[servers.Count];

    /// <summary>How many servers have been planned so far (their probes are in).</summary>
    public int PlannedCount => _planned.Count;

    /// <summary>What each component's change gate remembers if its plan goes ahead.</summary>
    public ComponentMemory?[] Memories { get; } = new ComponentMemory?[servers.Count];

    /// <param name="readSchedules">Reads the maintenance schedules in progress (none when they are not respected).</param>
    /// <param name="handOn">Takes a server's index whose plan is a write; says whether it went to the writer.</param>
    public async Task PlanAsProbedAsync(
        ChannelReader<(int Index, ProbeResult Probe)> probed, Func<Task<IReadOnlyList<CachetSchedule>>> readSchedules, Func<int, bool> handOn)
    {
        await foreach (var (index, probe) in probed.ReadAllAsync(CancellationToken.None))
        {
            _probes[index] = probe;
            PlanOne(index);

            // Maintenance matters only to a change: a quiet cycle costs Cachet one read, not two.
            if (!_schedulesRead && _components is not null && Plans[index].Action is SyncAction.Updated or SyncAction.DryRun)
            {
                _schedulesRead = true;
                if (await readSchedules() is { Count: > 0 } schedules)
                {
                    _components = _components.WithSchedules(schedules);
                    _planned.ForEach(PlanOne);
                    PlanOne(index);
                }
            }

            _planned.Add(index);
            _handedOn[index] = Plans[index].Action == SyncAction.Updated && handOn(index);
        }
    }

    /// <summary>Hands on a write that was held back while the probes came in (the mass-change guard's).</summary>
    public void HandOnHeld(int index, Func<int, bool> handOn) =>
        _handedOn[index] = Plans[index].Action == SyncAction.Updated && handOn(index);

    /// <summary>Plans a server again with a second probe and the counts read with it (the guard's confirmation).</summary>
    public void Replan(int index, ProbeResult probe, ReportCounts? counts)
    {
        _probes[index] = probe;
        (Plans[index], Memories[index]) = planner.Plan(servers[index], probe, counts, _components, cachetError, dryRun, now);
    }

    /// <summary>Adds why a planned change goes ahead (the guard's witness) to what the summary says of it.</summary>
    public void Note(int index, string note) => Plans[index] = Plans[index] with { Note = note };

    /// <summary>Leaves a planned change unwritten, saying why; its component's memory is not touched.</summary>
    public void Guard(int index, string note)
    {
        Plans[index] = Plans[index] with { Action = SyncAction.Guarded, Error = null, Note = note };
        Memories[index] = null;
    }

    /// <summary>No canary answered: every enabled server is left as it is, saying why.</summary>
    public void GuardAll(string why)
    {
        for (var i = 0; i < Plans.Length; i++)
        {
            if (servers[i].Enabled)
            {
                Guard(i, why);
            }
        }
    }

    /// <summary>After a stop request: every server whose write never reached the writer says it was not written.</summary>
    public void StopBeforeWriting()
    {
        for (var i = 0; i < Plans.Length; i++)
        {
            var plan = Plans[i];
            if (!_handedOn[i] && (plan.Action == SyncAction.Updated || (plan is { Action: SyncAction.Skipped, Error: null } && plan.HasDesired)))
            {
                Plans[i] = plan with { Action = SyncAction.Skipped, Error = StatusWriter.StoppedBeforeWriting };
            }
        }
    }

    private void PlanOne(int index) =>
        (Plans[index], Memories[index]) = planner.Plan(servers[index], _probes[index], counts, _components, cachetError, dryRun, now);
}
