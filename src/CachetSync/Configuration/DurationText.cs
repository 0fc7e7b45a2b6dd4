using System.Globalization;

namespace CachetSync.Configuration;

/// <summary>
/// Parses durations as operators write them. A bare number is refused on purpose: .NET would read
/// "5" as five days, which is never what someone typing a probe timeout meant.
/// </summary>
public static class DurationText
{
    private static readonly (string Suffix, double Milliseconds)[] Units =
    [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000),
    ];

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
        }

        foreach (var (suffix, milliseconds) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(trimmed[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && double.IsFinite(amount))
            {
                value = TimeSpan.FromMilliseconds(amount * milliseconds);
                return true;
            }
        }

        return false;
    }
}
