namespace CachetSync.Reports;

/// <summary>How to read a report source's JSON: its format, and the property names of its rows.</summary>
public sealed record ReportShape(ReportFormat Format, string ServerProperty, string CountProperty, string TimeProperty)
{
    /// <summary>CountList: the property holding the audience the row's reports came from (optional in each row).</summary>
    public string AudienceProperty { get; init; } = "audience";

    public static ReportShape CountMap { get; } = new(ReportFormat.CountMap, "server", "count", "at");
}
