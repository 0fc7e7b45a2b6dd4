using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Guard</c>: what keeps CachetSync's own blindness (its network cut, its resolver dead) off the status
/// page. <see cref="Canaries"/> are probed before the fleet: when none answers, this machine cannot see, and the
/// cycle writes nothing. Without canaries too, a cycle in which more than <see cref="MaxWorseningShare"/> of the
/// servers would get worse at once is held, re-probed after <see cref="ConfirmAfter"/>, and written only when a
/// second witness (members' reports rising) agrees — or after <see cref="WriteHeldAfter"/> held cycles. "Worse"
/// counts over <see cref="Window"/>. <see cref="Witnesses"/> are other CachetSync instances (<c>--witness</c>) that
/// probe a worsening server again from where they stand, before it is written.
/// </summary>
/// <param name="SelfComponentId">A Cachet component that shows CachetSync's own health ("monitoring degraded").</param>
/// <param name="Window">How far back components written worse still count towards a mass change (zero: this cycle only).</param>
/// <param name="Witnesses">The base URLs of witness instances; empty: none.</param>
/// <param name="WitnessToken">The secret shared with the witnesses; set exactly when <see cref="Witnesses"/> are.</param>
public sealed record GuardSettings(
    bool Enabled,
    IReadOnlyList<ServerSettings> Canaries,
    double MaxWorseningShare,
    int MinServers,
    TimeSpan ConfirmAfter,
    int WriteHeldAfter,
    int? SelfComponentId,
    TimeSpan Window,
    IReadOnlyList<Uri> Witnesses,
    Secret? WitnessToken)
{
    public static readonly string[] Keys =
        ["Enabled", "Canaries", "MaxWorseningShare", "MinServers", "ConfirmAfter", "WriteHeldAfter", "SelfComponentId", "Window", "Witnesses", "WitnessToken"];

    /// <summary>On, with no canaries, witnesses or self component: the mass-change guard alone.</summary>
    public static GuardSettings Default { get; } = new(true, [], 0.5, 20, TimeSpan.FromSeconds(10), 3, null, TimeSpan.FromMinutes(30), [], null);

    public static GuardSettings Off { get; } = Default with { Enabled = false };

    public static GuardSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var canaries = new List<ServerSettings>();
        foreach (var item in node.Child("Canaries").Items())
        {
            if (item.ReadValue<Uri>(ServerSettings.ParseUrl) is { } url)
            {
                canaries.Add(Canary(url));
            }
        }

        if (node.Child("Canaries") is { Exists: true } list && list.Items().Count == 0)
        {
            list.Problem("must be a list of URLs (e.g. [\"tcp://router.example.net:53\"])");
        }

        var witnesses = new List<Uri>();
        foreach (var item in node.Child("Witnesses").Items())
        {
            if (item.ReadValue<Uri>(WitnessUrl) is { } url)
            {
                witnesses.Add(url);
            }
        }

        var token = node.Secret("WitnessToken");
        if (witnesses.Count > 0 && token is null)
        {
            node.Problem("WitnessToken", "is required with Guard.Witnesses: the secret each witness's Witness.Token is set to");
        }
        else if (token is not null && token.Reveal().Length < WitnessSettings.MinTokenLength)
        {
            node.Problem("WitnessToken", $"must be at least {WitnessSettings.MinTokenLength} characters (a random secret, e.g. openssl rand -hex 32)");
        }

        return new GuardSettings(
            node.Bool("Enabled") ?? Default.Enabled,
            canaries,
            node.Share("MaxWorseningShare") ?? Default.MaxWorseningShare,
            node.Int("MinServers", 1, 1_000_000) ?? Default.MinServers,
            node.Duration("ConfirmAfter", max: TimeSpan.FromMinutes(10)) ?? Default.ConfirmAfter,
            node.Int("WriteHeldAfter", 1, 1000) ?? Default.WriteHeldAfter,
            node.Int("SelfComponentId", 1, int.MaxValue),
            node.Duration("Window", max: TimeSpan.FromDays(1)) ?? Default.Window,
            witnesses,
            token);
    }

    /// <summary>A witness's base URL: http or https, no credentials in it (the token signs each request instead).</summary>
    private static (Uri?, string?) WitnessUrl(string text) =>
        !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
            ? (null, $"\"{text}\" is not an http or https URL (e.g. https://witness-us.example.net:9470)")
            : url.UserInfo.Length > 0
                ? (null, "must not hold credentials: the witness token goes in Guard.WitnessToken")
                : (url, null);

    /// <summary>
    /// A canary is probed like a server (same prober, same timeout); any answer at all means the network works — a
    /// slow one too, so its latency is not judged (a slow canary got the prober's second look: two probes a cycle).
    /// </summary>
    private static ServerSettings Canary(Uri url)
    {
        var name = UrlText.Masked(url.OriginalString);
        return new ServerSettings { Name = name, Url = url, Thresholds = Thresholds.ThresholdSettings.BuiltIn with { SlowAfter = null } };
    }
}
