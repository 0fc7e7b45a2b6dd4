namespace CachetSync.Thresholds;

/// <summary>The threshold mapper's configuration (section <c>Thresholds</c>, and <c>Servers[i].Thresholds</c>).</summary>
public sealed record ThresholdSettings(
    StatusCodeMap StatusCodes,
    TimeSpan? SlowAfter,
    ComponentStatus Slow,
    ComponentStatus Timeout,
    ComponentStatus ConnectionError,
    IReadOnlyList<ReportThreshold> Reports,
    WhenReportsCount ReportsApply,
    TimeSpan? CertificateExpiresWithin = null,
    ComponentStatus CertificateExpiring = ComponentStatus.PerformanceIssues)
{
    public static readonly string[] Keys =
        ["StatusCodes", "SlowAfter", "Slow", "Timeout", "ConnectionError", "Reports", "ReportsApply", "CertificateExpiresWithin", "CertificateExpiring"];

    public static readonly string[] ReportThresholdKeys = ["AtLeast", "PerThousandAtLeast", "Status"];

    /// <summary>
    /// The <c>Reports</c> rules on reports per 1 000 of audience (<c>PerThousandAtLeast</c>), read from the same list
    /// as <see cref="Reports"/>: they judge a server whose audience is known and large enough, the counts the others.
    /// </summary>
    public IReadOnlyList<ReportRateThreshold> ReportRates { get; init; } = [];

    /// <summary>Some rule, on counts or on rates, judges report counts.</summary>
    public bool JudgesReports => Reports.Count > 0 || ReportRates.Count > 0;

    /// <summary>What applies when the configuration says nothing: 2xx fine, 429 slow, 5xx down; 11, 20 and 50 reports.</summary>
    public static ThresholdSettings BuiltIn { get; } = new(
        new StatusCodeMap(
            [
                new StatusCodeRule(200, 299, ComponentStatus.Operational),
                new StatusCodeRule(429, 429, ComponentStatus.PerformanceIssues),
                new StatusCodeRule(500, 599, ComponentStatus.MajorOutage),
            ],
            ComponentStatus.MajorOutage),
        SlowAfter: TimeSpan.FromMilliseconds(1500),
        Slow: ComponentStatus.PerformanceIssues,
        Timeout: ComponentStatus.MajorOutage,
        ConnectionError: ComponentStatus.MajorOutage,
        Reports:
        [
            new ReportThreshold(11, ComponentStatus.PerformanceIssues),
            new ReportThreshold(20, ComponentStatus.PartialOutage),
            new ReportThreshold(50, ComponentStatus.MajorOutage),
        ],
        ReportsApply: WhenReportsCount.Always);
}
