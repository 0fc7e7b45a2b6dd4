namespace CachetSync.Thresholds;

/// <summary>The status a server should have, and the short reason an operator reads in the summary.</summary>
public sealed record StatusDecision(ComponentStatus Status, string Reason);
