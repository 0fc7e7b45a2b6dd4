namespace CachetSync.Sync;

/// <summary>What the guard did in a cycle, for the summary, the log and the metrics.</summary>
/// <param name="Held">Statuses were left as they are (all of them when blind; the worsening ones after a mass change).</param>
/// <param name="Reason">Why it acted: which canaries failed, or how many servers would have got worse at once.</param>
/// <param name="Witness">What confirmed a mass change that was then written (a canary, members' reports, held cycles).</param>
public sealed record GuardReport(bool Held, GuardCause Cause, string Reason, string? Witness = null);

/// <summary>Why the guard acted: its metrics' <c>cause</c> label.</summary>
public enum GuardCause
{
    /// <summary>No canary answered: this machine cannot see.</summary>
    Canaries,

    /// <summary>More than <c>Guard.MaxWorseningShare</c> of the servers would have got worse in one cycle.</summary>
    MassChange,
}
