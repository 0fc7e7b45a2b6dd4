namespace CachetSync.Configuration;

/// <summary>
/// A secret from the configuration: the Cachet API token, a report source's bearer token or header value, a
/// database connection string. Wrapped so that no ToString, record printer, log template or exception message can
/// show it by accident: only <see cref="Reveal"/> hands out the value, and only the code that sends it calls that.
/// </summary>
public sealed class Secret
{
    private readonly string _value;

    /// <summary>Also tells <see cref="Output.Redaction"/>: the value is masked in any text the process prints.</summary>
    public Secret(string value)
        : this(value, mask: true)
    {
    }

    /// <param name="mask">False for a value that is no credential and too common to mask (a header's "no-cache"):
    /// masking it would mangle every text that happens to contain the word. Still never shown by ToString.</param>
    public Secret(string value, bool mask)
    {
        _value = value;
        if (mask)
        {
            Output.Redaction.RegisterWithEncodings(value);
        }
    }

    public string Reveal() => _value;

    public override string ToString() => "(redacted)";
}
