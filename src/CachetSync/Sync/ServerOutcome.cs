using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.Thresholds;

namespace CachetSync.Sync;

/// <summary>One row of the cycle summary: what was seen, what was wanted, what was done.</summary>
/// <param name="Error">Why the server's write failed or was skipped.</param>
/// <param name="Note">Why a change was not written yet (damping, a manual hold): not an error.</param>
public sealed record ServerOutcome(
    string Server,
    ProbeResult Probe,
    ServerReports? Reports,
    StatusDecision Desired,
    int? ComponentId,
    ComponentStatus? Current,
    SyncAction Action,
    string? Error,
    string? Note = null)
{
    /// <summary>The component's change stamp as Cachet sent it this cycle (see <see cref="ChangeGate"/>).</summary>
    public string? UpdatedAt { get; init; }

    /// <summary>Cachet confirmed the last write to this component but did not keep it.</summary>
    public bool WriteNotKept { get; init; }

    /// <summary>Another writer drives this component (see <see cref="ChangeGate"/>): nothing was written to it.</summary>
    public bool OtherWriter { get; init; }

    /// <summary>A server that was not probed (disabled, stopped, no socket to spare) has no desired status.</summary>
    public bool HasDesired => Probe.Kind is not (ProbeKind.Stopped or ProbeKind.NotProbed);
}
