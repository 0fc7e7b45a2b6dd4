namespace CachetSync.Thresholds;

/// <summary>At least <see cref="AtLeast"/> user timeout reports in the window mean <see cref="Status"/>.</summary>
public sealed record ReportThreshold(int AtLeast, ComponentStatus Status);
