namespace CachetSync.Configuration;

/// <summary>
/// The Cachet API token. Wrapped so that no ToString, record printer, log template or exception message
/// can show it by accident: only <see cref="Reveal"/> hands out the value, and only the HTTP header uses it.
/// </summary>
public sealed class ApiToken(string value)
{
    public string Reveal() => value;

    public override string ToString() => "(redacted)";
}
