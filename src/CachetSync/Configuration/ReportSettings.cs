using CachetSync.Reports;

namespace CachetSync.Configuration;

/// <summary>Section <c>Reports</c>: where user timeout-report counts are read, in which shape, over which window.</summary>
/// <remarks><see cref="Url"/> is a template: <c>{since}</c> and <c>{until}</c> become the window's ends, ISO-8601 UTC.</remarks>
public sealed record ReportSettings(
    ReportSourceKind Source,
    string? Url,
    string? Path,
    TimeSpan Window,
    TimeSpan Timeout,
    ReportShape Shape,
    Secret? BearerToken,
    IReadOnlyDictionary<string, Secret> Headers,
    SqlReportSettings? Sql)
{
    public static readonly string[] Keys =
    [
        "Source", "Url", "Path", "Window", "Timeout", "Format", "ServerProperty", "CountProperty", "TimeProperty",
        "AudienceProperty", "MinAudience", "BearerToken", "Headers", "Sql", "Query", "AudienceQuery", "KeyLabel",
    ];

    /// <summary>The smallest audience whose reports are judged as a rate (per 1 000 of it); smaller ones by count.</summary>
    public long MinAudience { get; init; } = ReportCounts.DefaultMinAudience;

    /// <summary>For Source Prometheus: the queries, and the label that names the server.</summary>
    public PrometheusQueries? Prometheus { get; init; }

    public static ReportSettings None { get; } = new(
        ReportSourceKind.None, null, null, TimeSpan.FromHours(2), TimeSpan.FromSeconds(10), ReportShape.CountMap, null,
        new Dictionary<string, Secret>(), null);

    public static ReportSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var source = node.Enum<ReportSourceKind>("Source") ?? ReportSourceKind.None;
        var path = node.String("Path");
        var url = source switch
        {
            ReportSourceKind.Http => ReadUrl(node),
            ReportSourceKind.Prometheus => ReadBaseUrl(node),
            _ => null,
        };
        var sql = source == ReportSourceKind.Sql ? SqlReportSettings.Read(node.Child("Sql")) : null;
        var bearer = node.Secret("BearerToken");
        return new ReportSettings(
            source,
            url,
            path,
            node.Duration("Window", max: TimeSpan.FromDays(366)) ?? None.Window,
            node.Duration("Timeout", max: TimeSpan.FromHours(1)) ?? None.Timeout,
            new ReportShape(
                node.Enum<ReportFormat>("Format") ?? ReportFormat.CountMap,
                node.String("ServerProperty") ?? ReportShape.CountMap.ServerProperty,
                node.String("CountProperty") ?? ReportShape.CountMap.CountProperty,
                node.String("TimeProperty") ?? ReportShape.CountMap.TimeProperty)
            {
                AudienceProperty = node.String("AudienceProperty") ?? ReportShape.CountMap.AudienceProperty,
            },
            bearer,
            HeaderSettings.Read(node.Child("Headers")),
            sql)
        {
            MinAudience = node.Int("MinAudience", 1, int.MaxValue) ?? ReportCounts.DefaultMinAudience,
            Prometheus = source == ReportSourceKind.Prometheus ? PrometheusQueries.Read(node) : null,
        };
    }

    private static string? ReadUrl(ConfigNode node) => node.Read<string>("Url", text =>
    {
        // {since} and {until} are filled in per cycle; check the URL with stand-in values.
        var sample = Placeholders.Fill(text, ("since", "2000-01-01T00:00:00Z"), ("until", "2000-01-01T02:00:00Z"));
        if (UrlText.Absolute(sample, UrlText.Web) is not { } uri)
        {
            return (null, $"\"{UrlText.Masked(text)}\" is not an absolute http(s) URL");
        }

        UrlText.RegisterSecrets(uri);
        return (text, null);
    });

    /// <summary>Prometheus' own address (http://prometheus:9090): its query API is under it, nothing is filled in.</summary>
    private static string? ReadBaseUrl(ConfigNode node) => node.Read<string>("Url", text =>
    {
        if (UrlText.Absolute(text, UrlText.Web) is not { } uri || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return (null, $"\"{UrlText.Masked(text)}\" is not Prometheus' base URL (absolute http(s), no query: http://prometheus:9090)");
        }

        UrlText.RegisterSecrets(uri);
        return (text, null);
    });
}
