using CachetSync.Thresholds;

namespace CachetSync.Probing;

/// <summary>An <c>Expect</c> condition the answer failed: why (<c>/status is "DEGRADED", expected "UP"</c>), and the status that earns.</summary>
public sealed record UnmetCondition(string Reason, ComponentStatus Status);
