using CachetSync.Thresholds;

namespace CachetSync.State;

/// <summary>What CachetSync remembers about one component between cycles; the state file holds it as it is.</summary>
/// <param name="LastWritten">The status CachetSync last wrote and read back; a different current status means someone else changed it.</param>
/// <param name="Pending">A change seen but not yet written (damping), and in how many cycles in a row.</param>
/// <param name="HeldUntil">A status set by hand is left alone until then.</param>
/// <param name="OpenIncident">The id of the incident CachetSync opened for the component's outage, until it is Fixed.</param>
/// <param name="SeenBeforeWrite">
/// The component's change stamp (<c>updated_at</c>) as read just before the last write, kept only when that write
/// moved it: then the old stamp seen again means the old row (a replica or cache behind), not anyone's edit.
/// </param>
/// <param name="WritesNotKept">Writes in a row Cachet confirmed but did not keep (see <see cref="Sync.ChangeGate"/>).</param>
/// <param name="RetryAfter">After writes not kept, the next one waits until then (a back-off, never giving up).</param>
/// <param name="WorsenedAt">When CachetSync last wrote the component worse, until it writes it better: the mass-change guard's window.</param>
/// <param name="Undone">How many of CachetSync's writes someone else changed since <paramref name="UndoneSince"/>.</param>
/// <param name="OtherWriterUntil">Another writer drives the component: nothing is written until then (an hour with no change by anyone).</param>
/// <param name="Shown">What the component showed when CachetSync last looked at it (or wrote it), whoever set it.</param>
public sealed record ComponentMemory(
    ComponentStatus? LastWritten = null,
    ComponentStatus? Pending = null,
    int PendingCycles = 0,
    DateTimeOffset? HeldUntil = null,
    int? OpenIncident = null,
    string? SeenBeforeWrite = null,
    int WritesNotKept = 0,
    DateTimeOffset? WorsenedAt = null,
    DateTimeOffset? RetryAfter = null,
    int Undone = 0,
    DateTimeOffset? UndoneSince = null,
    DateTimeOffset? OtherWriterUntil = null,
    ComponentStatus? Shown = null)
{
    public static ComponentMemory Empty { get; } = new();
}
