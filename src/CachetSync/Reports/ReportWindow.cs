using System.Globalization;

namespace CachetSync.Reports;

/// <summary>The span whose reports count: from <see cref="Since"/> (inclusive) to <see cref="Until"/> (exclusive).</summary>
public sealed record ReportWindow(DateTimeOffset Since, DateTimeOffset Until)
{
    public bool Contains(DateTimeOffset moment) => moment >= Since && moment < Until;

    /// <summary>ISO-8601 UTC, as placed into report URLs: 2026-11-26T05:30:00Z.</summary>
    public static string Format(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
