using System.Text.RegularExpressions;

namespace CachetSync.Configuration;

/// <summary>
/// The one way a configured text gets its <c>{name}</c>s filled in: URL templates (<c>{slug}</c>), report URLs
/// (<c>{since}</c>), incident and metric texts (<c>{Server}</c>), state paths (<c>{shard}</c>). Names are matched
/// ignoring case, in one pass — a value that itself contains <c>{Status}</c> is not filled in again — and an
/// unknown name is left as written.
/// </summary>
public static partial class Placeholders
{
    public static string Fill(string template, params (string Name, string Value)[] values) =>
        Placeholder().Replace(template, match => values
            .Where(value => string.Equals(value.Name, match.Groups[1].Value, StringComparison.OrdinalIgnoreCase))
            .Select(value => value.Value)
            .FirstOrDefault(match.Value));

    public static bool Mentions(string template, string name) =>
        Placeholder().Matches(template).Any(match => string.Equals(match.Groups[1].Value, name, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
