namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Heartbeat</c>: a dead-man's switch. After every cycle CachetSync pings <see cref="Url"/>, so a service
/// that expects the ping raises the alarm when the job stops running (a crash loop, an image that no longer pulls,
/// an expired token): the one failure CachetSync cannot put on the status page itself.
/// </summary>
/// <param name="Url">Holds the check's key, so it is a secret: never printed, only its host.</param>
public sealed record HeartbeatSettings(Secret? Url, Uri? Address, HeartbeatStyle Style, TimeSpan Timeout)
{
    public static readonly string[] Keys = ["Url", "Style", "Timeout"];

    public static HeartbeatSettings Off { get; } = new(null, null, HeartbeatStyle.Healthchecks, TimeSpan.FromSeconds(5));

    public bool Enabled => Address is not null;

    public static HeartbeatSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var secret = node.Secret("Url");
        Uri? address = null;
        if (secret is not null)
        {
            address = UrlText.Absolute(secret.Reveal(), UrlText.Web);
            if (address is null)
            {
                node.Problem("Url", "is not an absolute http(s) URL (e.g. https://hc-ping.com/<uuid>)");
            }
            else
            {
                // The key is the path (hc-ping.com/<uuid>, /api/push/<token>): masked on its own too.
                if (address.AbsolutePath.Trim('/') is { Length: >= 8 } key)
                {
                    Output.Redaction.RegisterWithEncodings(key);
                }

                UrlText.RegisterSecrets(address);
            }
        }

        return new HeartbeatSettings(
            secret,
            address,
            node.Enum<HeartbeatStyle>("Style") ?? Off.Style,
            node.Duration("Timeout", max: TimeSpan.FromMinutes(1)) ?? Off.Timeout);
    }
}
