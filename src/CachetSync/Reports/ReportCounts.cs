namespace CachetSync.Reports;

/// <summary>
/// User timeout-report counts per report key, as one source answered them. Keys whose value was unusable
/// are listed in <see cref="Rejected"/> so the cycle can warn and fall back to probe-only for those servers.
/// </summary>
public sealed record ReportCounts(IReadOnlyDictionary<string, int> Counts, IReadOnlyDictionary<string, string> Rejected)
{
    /// <summary>The default of <c>Reports.MinAudience</c>: a smaller audience is no evidence of a rate.</summary>
    public const long DefaultMinAudience = 100;

    /// <summary>Each key's audience in the window, where the source gave one for every row of the key.</summary>
    public IReadOnlyDictionary<string, long> Audiences { get; init; } = new Dictionary<string, long>();

    /// <summary>The smallest audience a rate is made of (<c>Reports.MinAudience</c>).</summary>
    public long MinAudience { get; init; } = DefaultMinAudience;

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

    /// <summary>
    /// Why no count is known for a server, as its row says it: the source could not be read ("reports unavailable"; the
    /// summary says why once), or its value for this key was unusable. Null when the count is known (0 for a key the
    /// source does not mention).
    /// </summary>
    public string? Missing(string reportKey) =>
        Unavailable is not null ? "reports unavailable"
        : Rejected.TryGetValue(reportKey, out var why) ? $"its report count unusable ({why})"
        : null;

    /// <summary>The count for a server with its audience (null when the source gave none); null as <see cref="For"/>.</summary>
    public ServerReports? Tally(string reportKey) =>
        For(reportKey) is { } count
            ? new ServerReports(count, Audiences.TryGetValue(reportKey, out var audience) ? audience : null, MinAudience)
            : null;
}
