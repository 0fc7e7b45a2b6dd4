using CachetSync.Thresholds;

namespace CachetSync.State;

/// <summary>What CachetSync remembers about one component between cycles.</summary>
/// <param name="LastWritten">The status CachetSync last wrote (and Cachet confirmed); a different current status means a human changed it.</param>
/// <param name="Pending">A change seen but not yet written (damping), and in how many cycles in a row.</param>
/// <param name="HeldUntil">A status set by hand is left alone until then.</param>
/// <param name="OpenIncident">The id of the incident CachetSync opened for the component's outage, until it is Fixed.</param>
/// <param name="SeenBeforeWrite">The component's change stamp (<c>updated_at</c>) as read just before the last write.</param>
/// <param name="WritesNotKept">Cycles in a row that found the last write confirmed but not kept (see <see cref="Sync.ChangeGate"/>).</param>
/// <param name="WorsenedAt">When CachetSync last wrote the component worse, until it writes it better: the mass-change guard's window.</param>
public sealed record ComponentMemory(
    ComponentStatus? LastWritten = null,
    ComponentStatus? Pending = null,
    int PendingCycles = 0,
    DateTimeOffset? HeldUntil = null,
    int? OpenIncident = null,
    string? SeenBeforeWrite = null,
    int WritesNotKept = 0,
    DateTimeOffset? WorsenedAt = null)
{
    public static ComponentMemory Empty { get; } = new();
}
