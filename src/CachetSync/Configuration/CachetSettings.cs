namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Cachet</c>: where the status page is and how to talk to it. Each default is the property's initial
/// value, and only there: the reader falls back to it, docs/configuration.md's table is tested against it.
/// </summary>
public sealed record CachetSettings
{
    public Uri? BaseUrl { get; init; }

    public Secret? ApiToken { get; init; }

    /// <summary>One attempt of one request, its whole body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int PageSize { get; init; } = 1000;

    public int MaxParallelWrites { get; init; } = 4;

    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed calls in a row that open the circuit breaker; 0 turns it off.</summary>
    public int BreakAfter { get; init; } = 10;

    public TimeSpan BreakFor { get; init; } = TimeSpan.FromMinutes(5);

    public bool RespectManualStatus { get; init; }

    public TimeSpan ManualHoldFor { get; init; } = TimeSpan.FromHours(1);

    public bool RespectMaintenance { get; init; } = true;

    /// <summary>2, 3, or null: "auto", told apart by one request when Cachet is first used.</summary>
    public int? ApiVersion { get; init; }

    private static readonly CachetSettings Defaults = new();

    public static readonly string[] Keys =
        ["BaseUrl", "ApiToken", "Timeout", "PageSize", "MaxParallelWrites", "Resilience", "RespectManualStatus", "ManualHoldFor", "RespectMaintenance", "ApiVersion"];

    public static readonly string[] ResilienceKeys = ["MaxRetries", "RetryDelay", "BreakAfter", "BreakFor"];

    // The bounds Polly's own option validators hold the pipeline to, tightened so that the derived values hold too:
    // the whole request (Timeout × 11 attempts + back-off) and the breaker's window (2 × Timeout) stay within a day.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinBreakFor = TimeSpan.FromMilliseconds(500);

    /// <summary>Plain http to anything but this machine: the token crosses the network readable by anyone on the path.</summary>
    public bool SendsTokenInClear => BaseUrl is { Scheme: "http" } url && ApiToken is not null && !url.IsLoopback;

    public static CachetSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var resilience = node.Child("Resilience");
        resilience.RejectUnknownKeys(ResilienceKeys);

        var baseUrl = ReadBaseUrl(node);
        var token = node.Secret("ApiToken");

        var apiVersion = ReadApiVersion(node);
        var respectMaintenance = node.Bool("RespectMaintenance");
        return new CachetSettings
        {
            BaseUrl = baseUrl,
            ApiToken = token,
            Timeout = node.Duration("Timeout", MinTimeout, MaxTimeout) ?? Defaults.Timeout,
            PageSize = node.Int("PageSize", 1, 100_000) ?? Defaults.PageSize,
            MaxParallelWrites = node.Int("MaxParallelWrites", 1, 64) ?? Defaults.MaxParallelWrites,
            MaxRetries = resilience.Int("MaxRetries", 0, 10) ?? Defaults.MaxRetries,
            RetryDelay = resilience.Duration("RetryDelay", max: MaxRetryDelay) ?? Defaults.RetryDelay,
            BreakAfter = ReadBreakAfter(resilience),
            BreakFor = resilience.Duration("BreakFor", MinBreakFor) ?? Defaults.BreakFor,
            RespectManualStatus = node.Bool("RespectManualStatus") ?? Defaults.RespectManualStatus,
            ManualHoldFor = node.Duration("ManualHoldFor", max: TimeSpan.FromDays(366)) ?? Defaults.ManualHoldFor,
            RespectMaintenance = respectMaintenance ?? Defaults.RespectMaintenance,
            ApiVersion = apiVersion,
        };
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

        return value ?? Defaults.BreakAfter;
    }

    private static Uri? ReadBaseUrl(ConfigNode node) => node.Read<Uri>("BaseUrl", text =>
    {
        if (UrlText.Absolute(text, UrlText.Web) is not { } uri)
        {
            return (null, $"\"{UrlText.Masked(text)}\" is not an absolute http(s) URL");
        }

        // Neither would be sent (the API root is built from the path alone), and both would be printed in messages.
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0)
        {
            UrlText.RegisterSecrets(uri);
            Output.Redaction.Register(uri.Query.TrimStart('?'));
            return (null, $"\"{UrlText.Masked(text)}\" carries {(uri.UserInfo.Length > 0 ? "user info (user:password@)" : "a query (?…)")}: "
                + "CachetSync does not send either. Give the status page's plain address, and the key in Cachet.ApiToken");
        }

        return (uri, null);
    });
}
