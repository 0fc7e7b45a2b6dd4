namespace CachetSync.Thresholds;

/// <summary>
/// At least <see cref="PerThousandAtLeast"/> user timeout reports per 1 000 of a server's audience in the window
/// mean <see cref="Status"/>: the same count means a healthy edge at prime time and a dead one at night.
/// </summary>
public sealed record ReportRateThreshold(decimal PerThousandAtLeast, ComponentStatus Status);
