namespace CachetSync.Configuration;

/// <summary>Section <c>Cachet</c>: where the status page is and how to talk to it.</summary>
public sealed record CachetSettings(
    Uri? BaseUrl,
    Secret? ApiToken,
    TimeSpan Timeout,
    int PageSize,
    int MaxParallelWrites,
    int MaxRetries,
    TimeSpan RetryDelay,
    int BreakAfter = 10,
    TimeSpan? BreakFor = null,
    bool RespectManualStatus = false,
    TimeSpan ManualHoldFor = default,
    bool RespectMaintenance = true,
    int? ApiVersion = 2)
{
    public static readonly string[] Keys =
        ["BaseUrl", "ApiToken", "Timeout", "PageSize", "MaxParallelWrites", "Resilience", "RespectManualStatus", "ManualHoldFor", "RespectMaintenance", "ApiVersion"];

    public static readonly string[] ResilienceKeys = ["MaxRetries", "RetryDelay", "BreakAfter", "BreakFor"];

    public static readonly TimeSpan DefaultBreakFor = TimeSpan.FromMinutes(5);

    // The bounds Polly's own option validators hold the pipeline to, tightened so that the derived values hold too:
    // the whole request (Timeout × 11 attempts + back-off) and the breaker's window (2 × Timeout) stay within a day.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinBreakFor = TimeSpan.FromMilliseconds(500);

    /// <summary>Plain http to anything but this machine: the token crosses the network readable by anyone on the path.</summary>
    public bool SendsTokenInClear => BaseUrl is { Scheme: "http" } url && ApiToken is not null && !url.IsLoopback;

    public static CachetSettings Read(ConfigNode node, bool dryRun)
    {
        node.RejectUnknownKeys(Keys);
        var resilience = node.Child("Resilience");
        resilience.RejectUnknownKeys(ResilienceKeys);

        var baseUrl = ReadBaseUrl(node, dryRun);
        var token = node.Secret("ApiToken");
        if (token is null && !dryRun)
        {
            node.Problem("ApiToken", "is required to write to Cachet (set CACHETSYNC_Cachet__ApiToken, or use --dry-run)");
        }

        var apiVersion = ReadApiVersion(node);
        var respectMaintenance = node.Bool("RespectMaintenance");
        return new CachetSettings(
            baseUrl,
            token,
            node.Duration("Timeout", MinTimeout, MaxTimeout) ?? TimeSpan.FromSeconds(10),
            node.Int("PageSize", 1, 100_000) ?? 1000,
            node.Int("MaxParallelWrites", 1, 64) ?? 4,
            resilience.Int("MaxRetries", 0, 10) ?? 3,
            resilience.Duration("RetryDelay", max: MaxRetryDelay) ?? TimeSpan.FromSeconds(1),
            ReadBreakAfter(resilience),
            resilience.Duration("BreakFor", MinBreakFor) ?? DefaultBreakFor,
            node.Bool("RespectManualStatus") ?? false,
            node.Duration("ManualHoldFor", max: TimeSpan.FromDays(366)) ?? TimeSpan.FromHours(1),
            respectMaintenance ?? true,
            apiVersion);
    }

    /// <summary>2, 3, or "auto" (the default): null, told apart by one request when Cachet is first used.</summary>
    private static int? ReadApiVersion(ConfigNode node) =>
        string.Equals(node.String("ApiVersion"), "auto", StringComparison.OrdinalIgnoreCase) ? null : node.Int("ApiVersion", 2, 3);

    private static int ReadBreakAfter(ConfigNode resilience)
    {
        // Polly's breaker needs at least two calls to judge; 0 turns it off.
        var value = resilience.Int("BreakAfter", 0, 10_000);
        if (value == 1)
        {
            resilience.Problem("BreakAfter", "must be 0 (off) or at least 2");
        }

        return value ?? 10;
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

        if (UrlText.Absolute(text, UrlText.Web) is not { } uri)
        {
            node.Problem("BaseUrl", $"\"{UrlText.Masked(text)}\" is not an absolute http(s) URL");
            return null;
        }

        // Neither would be sent (the API root is built from the path alone), and both would be printed in messages.
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0)
        {
            UrlText.RegisterSecrets(uri);
            Output.Redaction.Register(uri.Query.TrimStart('?'));
            node.Problem("BaseUrl", $"\"{UrlText.Masked(text)}\" carries {(uri.UserInfo.Length > 0 ? "user info (user:password@)" : "a query (?…)")}: "
                + "CachetSync does not send either. Give the status page's plain address, and the key in Cachet.ApiToken");
            return null;
        }

        return uri;
    }
}
