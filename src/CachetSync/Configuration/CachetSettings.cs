namespace CachetSync.Configuration;

/// <summary>Section <c>Cachet</c>: where the status page is and how to talk to it.</summary>
public sealed record CachetSettings(
    Uri? BaseUrl,
    ApiToken? ApiToken,
    TimeSpan Timeout,
    int PageSize,
    int MaxParallelWrites,
    int MaxRetries,
    TimeSpan RetryDelay)
{
    public static readonly string[] Keys =
        ["BaseUrl", "ApiToken", "Timeout", "PageSize", "MaxParallelWrites", "Resilience"];

    public static readonly string[] ResilienceKeys = ["MaxRetries", "RetryDelay"];

    public static CachetSettings Read(ConfigNode node, bool dryRun)
    {
        node.RejectUnknownKeys(Keys);
        var resilience = node.Child("Resilience");
        resilience.RejectUnknownKeys(ResilienceKeys);

        var baseUrl = ReadBaseUrl(node, dryRun);
        var token = node.String("ApiToken");
        if (token is null && !dryRun)
        {
            node.Problem("ApiToken", "is required to write to Cachet (set CACHETSYNC_Cachet__ApiToken, or use --dry-run)");
        }

        return new CachetSettings(
            baseUrl,
            token is null ? null : new ApiToken(token),
            node.Duration("Timeout") ?? TimeSpan.FromSeconds(10),
            node.Int("PageSize", 1, 100_000) ?? 1000,
            node.Int("MaxParallelWrites", 1, 64) ?? 4,
            resilience.Int("MaxRetries", 0, 10) ?? 3,
            resilience.Duration("RetryDelay") ?? TimeSpan.FromSeconds(1));
    }

    private static Uri? ReadBaseUrl(ConfigNode node, bool dryRun)
    {
        var text = node.String("BaseUrl");
        if (text is null)
        {
            if (!dryRun)
            {
                node.Problem("BaseUrl", "is required (the status page's address, e.g. https://status.example.com), unless --dry-run");
            }

            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            node.Problem("BaseUrl", $"\"{text}\" is not an absolute http(s) URL");
            return null;
        }

        return uri;
    }
}
