namespace CachetSync.Configuration;

/// <summary>Section <c>Probe</c>: how every server is checked.</summary>
public sealed record ProbeSettings(
    TimeSpan Timeout,
    int MaxConcurrency,
    HttpMethod Method,
    bool FollowRedirects,
    bool VerifyTls,
    string UserAgent,
    int MaxBodyBytes = 0)
{
    public static readonly string[] Keys =
        ["Timeout", "MaxConcurrency", "Method", "FollowRedirects", "VerifyTls", "UserAgent", "MaxBodyBytes"];

    /// <summary>
    /// High enough that a fleet's hanging servers all wait out their timeout together: a cycle costs about one probe
    /// timeout, not (hanging servers / concurrency) of them. Each probe in flight is one socket.
    /// </summary>
    public const int DefaultMaxConcurrency = 4096;

    public static string DefaultUserAgent { get; } =
        $"CachetSync/{typeof(ProbeSettings).Assembly.GetName().Version?.ToString(3) ?? "0"}";

    public static ProbeSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        return new ProbeSettings(
            node.Duration("Timeout", max: TimeSpan.FromHours(1)) ?? TimeSpan.FromSeconds(5),
            node.Int("MaxConcurrency", 1, 100_000) ?? DefaultMaxConcurrency,
            ReadMethod(node),
            node.Bool("FollowRedirects") ?? true,
            node.Bool("VerifyTls") ?? true,
            node.String("UserAgent") ?? DefaultUserAgent,
            node.Int("MaxBodyBytes", 0, 16 * 1024 * 1024) ?? 0);
    }

    private static HttpMethod ReadMethod(ConfigNode node)
    {
        var text = node.String("Method");
        switch (text?.ToUpperInvariant())
        {
            case null or "GET":
                return HttpMethod.Get;
            case "HEAD":
                return HttpMethod.Head;
            default:
                node.Problem("Method", $"\"{text}\" is not GET or HEAD");
                return HttpMethod.Get;
        }
    }
}
