namespace CachetSync.Configuration;

/// <summary>
/// A <c>Headers</c> map (report source, probes): extra request headers by name. Values are secrets, since an API key
/// is the usual reason to add one — but one that is plainly a word ("no-cache", "true", "gzip") is not masked in
/// printed text: masking every "true" would turn the JSON summary into something no parser reads.
/// </summary>
public static class HeaderSettings
{
    public static Dictionary<string, Secret> Read(ConfigNode node)
    {
        var headers = new Dictionary<string, Secret>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in node.Entries())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                node.Problem(name, "needs a value");
            }
            else if (!name.All(character => char.IsAsciiLetterOrDigit(character) || "!#$%&'*+-.^_`|~".Contains(character)))
            {
                node.Problem(name, "is not a valid header name");
            }
            else if (node.Secret(name, mask: !IsPlainWord(value)) is { } secret)
            {
                headers[name] = secret;
            }
        }

        return headers;
    }

    /// <summary>Lower-case letters and dashes, shorter than any key worth the name: a protocol word, not a credential.</summary>
    public static bool IsPlainWord(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length < 12 && trimmed.All(character => character is (>= 'a' and <= 'z') or '-');
    }
}
