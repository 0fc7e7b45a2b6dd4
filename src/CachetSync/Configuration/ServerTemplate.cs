using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>
/// A <c>Servers</c> entry naming a Cachet component group instead of one server: every enabled component of
/// the group becomes a server, probed at <see cref="UrlTemplate"/> with <c>{name}</c> (the component's name, as
/// written), <c>{slug}</c> (lower case, runs of other characters as "-") or <c>{id}</c> filled in.
/// </summary>
public sealed record ServerTemplate(string Path, string Group, string UrlTemplate, ThresholdSettings Thresholds, bool? VerifyTls, bool Enabled, ProbeRequest? Probe = null)
{
    public static ServerTemplate? Read(ConfigNode node, ThresholdSettings defaults, ProbeRequest probeDefaults)
    {
        node.RejectUnknownKeys("Group", "Url", "VerifyTls", "Enabled", "Thresholds", "Probe");
        var group = node.String("Group")!;
        node.Require("Url", "is required: a template such as https://{slug}.example.com/health");
        var url = node.Read<string>("Url", text =>
            text.Contains('{', StringComparison.Ordinal) && UrlText.Absolute(Fill(text, "sample-name", 1), UrlText.Probed) is not null
                ? (text, null)
                : (null, $"\"{UrlText.Masked(text)}\" is not a URL template using {{name}}, {{slug}} or {{id}}"));

        var thresholds = ThresholdSettingsReader.Read(node.Child("Thresholds"), defaults, mergeStatusCodes: true);
        var probe = ServerSettings.ReadProbe(node.Child("Probe"), probeDefaults);
        return url is null ? null : new ServerTemplate(node.Path, group, url, thresholds, node.Bool("VerifyTls"), node.Bool("Enabled") ?? true, probe);
    }

    /// <returns>The URL text for one component; whether it is a URL is <see cref="UrlText.Absolute"/>'s to say.</returns>
    public static string Fill(string template, string name, int id) =>
        Placeholders.Fill(template, ("name", name), ("slug", Slug(name)), ("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static string Slug(string name)
    {
        var slug = new System.Text.StringBuilder(name.Length);
        foreach (var character in name.Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(character))
            {
                slug.Append(character);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }
}
