namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Witness</c>, read by <c>cachetsync --witness</c>: where the witness listens for a writer's questions,
/// and the secret it shares with the writers (their <c>Guard.WitnessToken</c>). A writer ignores the section.
/// </summary>
public sealed record WitnessSettings(TelemetrySettings.ListenAddress? Listen, Secret? Token)
{
    public static readonly string[] Keys = ["Listen", "Token"];

    /// <summary>Short secrets can be guessed offline from one signed request.</summary>
    public const int MinTokenLength = 16;

    public static WitnessSettings None { get; } = new(null, null);

    public static WitnessSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var token = node.Secret("Token");
        if (token is not null && token.Reveal().Length < MinTokenLength)
        {
            node.Problem("Token", $"must be at least {MinTokenLength} characters (a random secret, e.g. openssl rand -hex 32)");
        }

        return new WitnessSettings(node.Read<TelemetrySettings.ListenAddress>("Listen", TelemetrySettings.ParseListen), token);
    }
}
