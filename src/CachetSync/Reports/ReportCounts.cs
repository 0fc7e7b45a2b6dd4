namespace CachetSync.Reports;

/// <summary>
/// User timeout-report counts per report key, as one source answered them. Keys whose value was unusable
/// are listed in <see cref="Rejected"/> so the cycle can warn and fall back to probe-only for those servers.
/// </summary>
public sealed record ReportCounts(IReadOnlyDictionary<string, int> Counts, IReadOnlyDictionary<string, string> Rejected)
{
    /// <summary>Why the source could not be read this cycle; null when it was.</summary>
    public string? Unavailable { get; init; }

    /// <summary>A source that could not be read: no count is known, and none may be taken for "no reports".</summary>
    public static ReportCounts Failed(string why) =>
        new(new Dictionary<string, int>(), new Dictionary<string, string>()) { Unavailable = why };

    /// <summary>
    /// The count for a server: the reported number, 0 when the source does not mention the key
    /// (no reports), or null when the source's value for it was unusable.
    /// </summary>
    public int? For(string reportKey) =>
        Unavailable is not null ? null
        : Counts.TryGetValue(reportKey, out var count) ? count
        : Rejected.ContainsKey(reportKey) ? null
        : 0;
}
