namespace CachetSync.Reports;

/// <summary>The JSON shapes an HTTP or file report source may answer.</summary>
public enum ReportFormat
{
    /// <summary><c>{ "key": 12, … }</c>: counts per report key.</summary>
    CountMap,

    /// <summary><c>[ { "server": "key", "count": 12 }, … ]</c>: rows of counts (rows of one key add up).</summary>
    CountList,

    /// <summary><c>[ { "server": "key", "at": "2026-11-26T08:00:00Z" }, … ]</c>: single reports, counted within the window here.</summary>
    ReportList,
}
