namespace CachetSync.Thresholds;

/// <summary>How user report counts combine with what the probe saw.</summary>
public enum ReportsApply
{
    /// <summary>The worse of the probe status and the report status.</summary>
    Always,

    /// <summary>Reports count only while the probe says Operational: a failing server is judged by its probe alone.</summary>
    WhenProbeOperational,
}
