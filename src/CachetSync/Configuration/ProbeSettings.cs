namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Probe</c>: how every server is checked. Each default is the property's initial value, and only there.
/// </summary>
public sealed record ProbeSettings
{
    public static readonly string[] Keys =
        ["Timeout", "MaxConcurrency", "FollowRedirects", "VerifyTls", "UserAgent", "Retries", "RetryDelay", "Timings", "PingCount", "CycleBudget", .. ProbeRequest.Keys];

    public const int MaxRetries = 3;

    private static readonly ProbeSettings Defaults = new();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// High enough that a fleet's hanging servers all wait out their timeout together: a cycle costs about one probe
    /// timeout, not (hanging servers / concurrency) of them. Each probe in flight is one socket.
    /// </summary>
    public int MaxConcurrency { get; init; } = 4096;

    public bool FollowRedirects { get; init; } = true;

    public bool VerifyTls { get; init; } = true;

    public string UserAgent { get; init; } = $"CachetSync/{typeof(ProbeSettings).Assembly.GetName().Version?.ToString(3) ?? "0"}";

    /// <summary>What each probe asks and reads; servers may override it (<c>Servers[i].Probe</c>).</summary>
    public ProbeRequest Request { get; init; } = ProbeRequest.Default;

    /// <summary>Probes again a server whose probe failed, so only a failure that repeats counts.</summary>
    public int Retries { get; init; }

    /// <summary>The pause before a failed probe is repeated: long enough for a blip (a full accept queue) to pass.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Show where a probe's time went (DNS, connect, TLS, first byte, body).</summary>
    public bool Timings { get; init; }

    /// <summary>Echoes per <c>icmp://</c> probe: enough to see loss, few enough to share one timeout.</summary>
    public int PingCount { get; init; } = 3;

    /// <summary>
    /// The most a cycle's probes may take (null: a worker's cycle may take until shortly before the next one is due,
    /// a <c>--once</c> run <see cref="OnceBudget"/>). A cycle is as short as the fleet allows; this only bounds it.
    /// </summary>
    public TimeSpan? CycleBudget { get; init; }

    /// <summary>A <c>--once</c> run's budget when none is configured: it fits a CronJob every minute, with its start and writes.</summary>
    public static readonly TimeSpan OnceBudget = TimeSpan.FromSeconds(50);

    /// <summary>A tenth of the time to the next cycle is kept for the writes after the slowest probe, the summary and a late start.</summary>
    private const double ScheduleShare = 0.9;

    /// <summary>
    /// This cycle's budget: the time until the next cycle less a tenth (<paramref name="untilNext"/>, a worker's), at
    /// most <see cref="CycleBudget"/>; never less than 1.5 timeouts, so a probe started late still has its whole timeout.
    /// </summary>
    public TimeSpan BudgetFor(TimeSpan? untilNext)
    {
        var fromSchedule = untilNext * ScheduleShare;
        var budget = fromSchedule is { } room ? (CycleBudget is { } most && most < room ? most : room) : CycleBudget ?? OnceBudget;
        return budget > Timeout * 1.5 ? budget : Timeout * 1.5;
    }

    public static ProbeSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        return new ProbeSettings
        {
            Timeout = node.Duration("Timeout", max: TimeSpan.FromHours(1)) ?? Defaults.Timeout,
            MaxConcurrency = node.Int("MaxConcurrency", 1, 100_000) ?? Defaults.MaxConcurrency,
            FollowRedirects = node.Bool("FollowRedirects") ?? Defaults.FollowRedirects,
            VerifyTls = node.Bool("VerifyTls") ?? Defaults.VerifyTls,
            UserAgent = node.String("UserAgent") ?? Defaults.UserAgent,
            Request = ProbeRequest.Read(node, ProbeRequest.Default),
            Retries = node.Int("Retries", 0, MaxRetries) ?? Defaults.Retries,
            RetryDelay = node.Duration("RetryDelay", max: TimeSpan.FromMinutes(1)) ?? Defaults.RetryDelay,
            Timings = node.Bool("Timings") ?? Defaults.Timings,
            PingCount = node.Int("PingCount", 1, 20) ?? Defaults.PingCount,
            CycleBudget = node.Duration("CycleBudget", min: TimeSpan.FromSeconds(1), max: TimeSpan.FromDays(1)) ?? Defaults.CycleBudget,
        };
    }
}
