namespace CachetSync.Thresholds;

/// <summary>When members' reports count beside what the probe saw (the key <c>Thresholds.ReportsApply</c>).</summary>
public enum WhenReportsCount
{
    /// <summary>The worse of the probe status and the report status.</summary>
    Always,

    /// <summary>Reports count only while the probe says Operational: a failing server is judged by its probe alone.</summary>
    WhenProbeOperational,
}
