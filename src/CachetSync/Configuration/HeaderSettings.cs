namespace CachetSync.Configuration;

/// <summary>
/// A <c>Headers</c> map (report source, probes): extra request headers by name. Values are secrets, since an API key
/// is the usual reason to add one.
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
            else if (node.Secret(name) is { } secret)
            {
                headers[name] = secret;
            }
        }

        return headers;
    }
}
