namespace CachetSync.Output;

/// <summary>
/// The secrets a run knows (Cachet token, report credentials, passwords in URLs and connection strings), and the one
/// place every text bound for stdout, stderr or a log is cleaned of them. A Cachet that echoes the token in an error,
/// a provider that quotes a connection string, a URL in a config error: none of it can print a secret.
/// </summary>
/// <remarks>
/// One registry per run (<see cref="BeginRun"/>, which <see cref="Program.RunAsync"/> calls): configuration code
/// registers what it reads through the static <see cref="Register"/>, which finds the run it belongs to by its
/// async flow; the run's writers hold the registry itself, so a log line written on any thread is cleaned. Two runs
/// in one process (the tests) never mask, or see, each other's secrets. A secret registered outside any run goes
/// to a registry every run's writers apply too: a secret is never printed because of where it was read.
/// </remarks>
public sealed class Redaction
{
    public const string Mask = "***";

    /// <summary>Shorter values are not treated as secrets: masking every "ab" in the output would hide the output.</summary>
    private const int MinLength = 4;

    private static readonly AsyncLocal<Redaction?> RunOfThisFlow = new();
    private static readonly Redaction OutsideAnyRun = new();

    private readonly Lock _gate = new();
    private string[] _secrets = [];

    /// <summary>The registry of the run this code belongs to (or the one for secrets read outside any run).</summary>
    public static Redaction Current => RunOfThisFlow.Value ?? OutsideAnyRun;

    /// <summary>A new run's registry, current for the rest of the calling async method and whatever it starts.</summary>
    public static Redaction BeginRun() => RunOfThisFlow.Value = new Redaction();

    public static void Register(string? secret) => Current.Add(secret);

    /// <summary>Also registers the escaped forms a secret takes inside a URL or a JSON string.</summary>
    public static void RegisterWithEncodings(string? secret)
    {
        Register(secret);
        if (secret is not null)
        {
            Register(Uri.EscapeDataString(secret));
            Register(System.Text.Json.JsonEncodedText.Encode(secret).ToString());
        }
    }

    /// <summary>The text with this run's secrets (and any read outside a run) masked.</summary>
    public string Apply(string text)
    {
        text = Masked(text, Volatile.Read(ref _secrets));
        return ReferenceEquals(this, OutsideAnyRun) ? text : Masked(text, Volatile.Read(ref OutsideAnyRun._secrets));
    }

    private void Add(string? secret)
    {
        if (secret is null || secret.Trim().Length < MinLength)
        {
            return;
        }

        lock (_gate)
        {
            if (!_secrets.Contains(secret, StringComparer.Ordinal))
            {
                // Longest first, so a secret that contains another is masked whole.
                _secrets = [.. _secrets.Append(secret).OrderByDescending(known => known.Length)];
            }
        }
    }

    private static string Masked(string text, string[] secrets)
    {
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
