namespace CachetSync.Configuration;

/// <summary>Section <c>Reports</c>: where user timeout-report counts are read, and over which window.</summary>
/// <remarks><see cref="Url"/> is a template: <c>{since}</c> becomes the window start, ISO-8601 UTC.</remarks>
public sealed record ReportSettings(ReportSourceKind Source, string? Url, string? Path, TimeSpan Window, TimeSpan Timeout)
{
    public static readonly string[] Keys = ["Source", "Url", "Path", "Window", "Timeout"];

    public static ReportSettings None { get; } =
        new(ReportSourceKind.None, null, null, TimeSpan.FromHours(2), TimeSpan.FromSeconds(10));

    public static ReportSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var source = node.Enum<ReportSourceKind>("Source") ?? ReportSourceKind.None;
        string? url = null;
        var path = node.String("Path");
        if (source == ReportSourceKind.Http)
        {
            url = ReadUrl(node);
        }
        else if (source == ReportSourceKind.File && path is null)
        {
            node.Problem("Path", "is required when Source is File");
        }

        return new ReportSettings(
            source,
            url,
            path,
            node.Duration("Window") ?? None.Window,
            node.Duration("Timeout") ?? None.Timeout);
    }

    private static string? ReadUrl(ConfigNode node)
    {
        var text = node.String("Url");
        if (text is null)
        {
            node.Problem("Url", "is required when Source is Http");
            return null;
        }

        // {since} is filled in per cycle; check the URL with a stand-in value.
        var sample = text.Replace("{since}", "2000-01-01T00:00:00Z", StringComparison.OrdinalIgnoreCase);
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            node.Problem("Url", $"\"{text}\" is not an absolute http(s) URL");
            return null;
        }

        return text;
    }
}
