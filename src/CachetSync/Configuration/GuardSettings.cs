using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Guard</c>: what keeps CachetSync's own blindness (its network cut, its resolver dead) off the status
/// page. <see cref="Canaries"/> are probed before the fleet: when none answers, this machine cannot see, and the
/// cycle writes nothing. Without canaries too, a cycle in which more than <see cref="MaxWorseningShare"/> of the
/// servers would get worse at once is held, re-probed after <see cref="ConfirmAfter"/>, and written only when a
/// second witness (a canary, or members' reports rising) agrees — or after <see cref="WriteHeldAfter"/> held cycles.
/// </summary>
/// <param name="SelfComponentId">A Cachet component that shows CachetSync's own health ("monitoring degraded").</param>
public sealed record GuardSettings(
    bool Enabled,
    IReadOnlyList<ServerSettings> Canaries,
    double MaxWorseningShare,
    int MinServers,
    TimeSpan ConfirmAfter,
    int WriteHeldAfter,
    int? SelfComponentId)
{
    public static readonly string[] Keys = ["Enabled", "Canaries", "MaxWorseningShare", "MinServers", "ConfirmAfter", "WriteHeldAfter", "SelfComponentId"];

    /// <summary>On, with no canaries and no self component: the mass-change guard alone.</summary>
    public static GuardSettings Default { get; } = new(true, [], 0.5, 20, TimeSpan.FromSeconds(10), 3, null);

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

        return new GuardSettings(
            node.Bool("Enabled") ?? Default.Enabled,
            canaries,
            node.Share("MaxWorseningShare") ?? Default.MaxWorseningShare,
            node.Int("MinServers", 1, 1_000_000) ?? Default.MinServers,
            node.Duration("ConfirmAfter", max: TimeSpan.FromMinutes(10)) ?? Default.ConfirmAfter,
            node.Int("WriteHeldAfter", 1, 1000) ?? Default.WriteHeldAfter,
            node.Int("SelfComponentId", 1, int.MaxValue));
    }

    /// <summary>A canary is probed like a server (same prober, same timeout); any answer at all means the network works.</summary>
    private static ServerSettings Canary(Uri url)
    {
        var name = UrlText.Masked(url.OriginalString);
        return new ServerSettings { Name = name, Url = url };
    }
}
