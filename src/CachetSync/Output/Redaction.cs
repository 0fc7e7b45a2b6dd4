namespace CachetSync.Output;

/// <summary>
/// The secrets this process knows (Cachet token, report credentials, passwords in URLs and connection strings), and
/// the one place every text bound for stdout, stderr or a log is cleaned of them. A Cachet that echoes the token in
/// an error, a provider that quotes a connection string, a URL in a config error: none of it can print a secret.
/// </summary>
/// <remarks>
/// Process-wide on purpose: a secret, once read, must not be printed by any part of the process, whichever code path
/// (or library) produced the text.
/// </remarks>
public static class Redaction
{
    public const string Mask = "***";

    /// <summary>Shorter values are not treated as secrets: masking every "ab" in the output would hide the output.</summary>
    private const int MinLength = 4;

    private static readonly Lock Gate = new();
    private static string[] _secrets = [];

    public static void Register(string? secret)
    {
        if (secret is null || secret.Trim().Length < MinLength)
        {
            return;
        }

        lock (Gate)
        {
            if (!_secrets.Contains(secret, StringComparer.Ordinal))
            {
                // Longest first, so a secret that contains another is masked whole.
                _secrets = [.. _secrets.Append(secret).OrderByDescending(known => known.Length)];
            }
        }
    }

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

    public static string Apply(string text)
    {
        var secrets = Volatile.Read(ref _secrets);
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
