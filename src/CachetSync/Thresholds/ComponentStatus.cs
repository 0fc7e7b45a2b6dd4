namespace CachetSync.Thresholds;

/// <summary>A Cachet 2.x component status; the integer values are what the API reads and writes.</summary>
public enum ComponentStatus
{
    Unknown = 0,
    Operational = 1,
    PerformanceIssues = 2,
    PartialOutage = 3,
    MajorOutage = 4,
}
