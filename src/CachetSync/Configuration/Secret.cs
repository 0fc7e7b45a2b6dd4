namespace CachetSync.Configuration;

/// <summary>
/// A secret from the configuration: the Cachet API token, a report source's bearer token or header value, a
/// database connection string. Wrapped so that no ToString, record printer, log template or exception message can
/// show it by accident: only <see cref="Reveal"/> hands out the value, and only the code that sends it calls that.
/// </summary>
public sealed class Secret(string value)
{
    public string Reveal() => value;

    public override string ToString() => "(redacted)";
}
