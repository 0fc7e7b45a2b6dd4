namespace CachetSync.Thresholds;

/// <summary>A Cachet 2.x component status; the integer values are what the API reads and writes.</summary>
public enum ComponentStatus
{
    Unknown = 0,
    Operational = 1,
    PerformanceIssues = 2,
    PartialOutage = 3,
    MajorOutage = 4,

    /// <summary>Cachet 3 only: a component in a maintenance window. Read, shown, left alone; never written nor configured.</summary>
    UnderMaintenance = 6,
}
