using CachetSync.State;

namespace CachetSync.Sync;

/// <summary>
/// One server as a cycle's steps hand it on: its index in the cycle's server list, its plan (later: what was done),
/// and what its component's change gate remembers if the plan goes ahead.
/// </summary>
/// <param name="Confirmed">A witness vantage point saw the server worse too: the mass-change guard lets it pass.</param>
public sealed record PlannedServer(int Index, ServerOutcome Plan, ComponentMemory? Memory, bool Confirmed = false)
{
    /// <summary>A plan that is a write to Cachet (not a dry run's).</summary>
    public bool IsWrite => Plan.Action == SyncAction.Updated;

    /// <summary>The plan, now what happened instead of the write: failed, skipped, held.</summary>
    public PlannedServer Instead(SyncAction action, string? error, string? note = null) =>
        this with { Plan = Plan with { Action = action, Error = error, Note = note ?? Plan.Note } };
}
