namespace CachetSync.Configuration;

/// <summary>Section <c>Probe</c>: how every server is checked.</summary>
/// <param name="Request">What each probe asks and reads; servers may override it (<c>Servers[i].Probe</c>).</param>
/// <param name="Retries">Probes again a server whose probe failed, so only a failure that repeats counts.</param>
/// <param name="Timings">Show where a probe's time went (DNS, connect, TLS, first byte, body).</param>
public sealed record ProbeSettings(
    TimeSpan Timeout,
    int MaxConcurrency,
    bool FollowRedirects,
    bool VerifyTls,
    string UserAgent,
    ProbeRequest Request,
    int Retries = 0,
    TimeSpan RetryDelay = default,
    bool Timings = false,
    int PingCount = ProbeSettings.DefaultPingCount)
{
    public static readonly string[] Keys =
        ["Timeout", "MaxConcurrency", "FollowRedirects", "VerifyTls", "UserAgent", "Retries", "RetryDelay", "Timings", "PingCount", .. ProbeRequest.Keys];

    /// <summary>
    /// High enough that a fleet's hanging servers all wait out their timeout together: a cycle costs about one probe
    /// timeout, not (hanging servers / concurrency) of them. Each probe in flight is one socket.
    /// </summary>
    public const int DefaultMaxConcurrency = 4096;

    public const int MaxRetries = 3;

    /// <summary>Echoes per <c>icmp://</c> probe: enough to see loss, few enough to share one timeout.</summary>
    public const int DefaultPingCount = 3;

    /// <summary>The pause before a failed probe is repeated: long enough for a blip (a full accept queue) to pass.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    public static string DefaultUserAgent { get; } =
        $"CachetSync/{typeof(ProbeSettings).Assembly.GetName().Version?.ToString(3) ?? "0"}";

    public static ProbeSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        return new ProbeSettings(
            node.Duration("Timeout", max: TimeSpan.FromHours(1)) ?? TimeSpan.FromSeconds(5),
            node.Int("MaxConcurrency", 1, 100_000) ?? DefaultMaxConcurrency,
            node.Bool("FollowRedirects") ?? true,
            node.Bool("VerifyTls") ?? true,
            node.String("UserAgent") ?? DefaultUserAgent,
            ProbeRequest.Read(node, ProbeRequest.Default),
            node.Int("Retries", 0, MaxRetries) ?? 0,
            node.Duration("RetryDelay", max: TimeSpan.FromMinutes(1)) ?? DefaultRetryDelay,
            node.Bool("Timings") ?? false,
            node.Int("PingCount", 1, 20) ?? DefaultPingCount);
    }
}
