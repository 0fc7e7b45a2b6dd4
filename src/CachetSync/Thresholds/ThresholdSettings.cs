namespace CachetSync.Thresholds;

/// <summary>The threshold mapper's configuration (section <c>Thresholds</c>, and <c>Servers[i].Thresholds</c>).</summary>
public sealed record ThresholdSettings(
    StatusCodeMap StatusCodes,
    TimeSpan? SlowAfter,
    ComponentStatus Slow,
    ComponentStatus Timeout,
    ComponentStatus ConnectionError,
    IReadOnlyList<ReportThreshold> Reports,
    ReportsApply ReportsApply,
    TimeSpan? CertificateExpiresWithin = null,
    ComponentStatus CertificateExpiring = ComponentStatus.PerformanceIssues)
{
    public static readonly string[] Keys =
        ["StatusCodes", "SlowAfter", "Slow", "Timeout", "ConnectionError", "Reports", "ReportsApply", "CertificateExpiresWithin", "CertificateExpiring"];

    public static readonly string[] ReportThresholdKeys = ["AtLeast", "Status"];

    /// <summary>What applies when the configuration says nothing: the contract's example and the Proxer report rule.</summary>
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
        ReportsApply: ReportsApply.Always);
}
