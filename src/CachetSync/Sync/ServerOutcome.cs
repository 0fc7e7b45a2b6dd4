using CachetSync.Probing;
using CachetSync.Thresholds;

namespace CachetSync.Sync;

/// <summary>One row of the cycle summary: what was seen, what was wanted, what was done.</summary>
public sealed record ServerOutcome(
    string Server,
    ProbeResult Probe,
    int? Reports,
    StatusDecision Desired,
    int? ComponentId,
    ComponentStatus? Current,
    SyncAction Action,
    string? Error);
