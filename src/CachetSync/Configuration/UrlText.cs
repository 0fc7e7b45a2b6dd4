using System.Text.RegularExpressions;

namespace CachetSync.Configuration;

/// <summary>Shows a configured URL in a message without what may be a credential in it: user info and query.</summary>
public static partial class UrlText
{
    /// <summary>What CachetSync calls over the web: Cachet, report sources, OTLP collectors.</summary>
    public static readonly string[] Web = ["http", "https"];

    /// <summary>What a server may be probed at.</summary>
    public static readonly string[] Probed = ["http", "https", "tcp", "icmp"];

    /// <summary>
    /// The one check of a configured address: an absolute URL, with a host, of one of <paramref name="schemes"/>
    /// (lower case, as <see cref="Uri.Scheme"/> gives them); null when the text is not one.
    /// </summary>
    public static Uri? Absolute(string? text, string[] schemes) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme) && uri.Host.Length > 0 ? uri : null;

    /// <summary>"https://user:pass@host/p?key=v" → "https://***@host/p?***"; works on text that is not a valid URL too.</summary>
    public static string Masked(string url) => Query().Replace(UserInfo().Replace(url, "//***@"), "?***");

    /// <summary>Registers the password in a URL's user info with <see cref="Output.Redaction"/>, for any later text.</summary>
    public static void RegisterSecrets(Uri url)
    {
        if (url.UserInfo.Length > 0)
        {
            Output.Redaction.RegisterWithEncodings(Uri.UnescapeDataString(url.UserInfo));
            Output.Redaction.Register(url.UserInfo);
            var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                Output.Redaction.RegisterWithEncodings(Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]));
            }
        }
    }

    [GeneratedRegex(@"//[^/?#@\s]*@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"\?.*$")]
    private static partial Regex Query();
}
