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
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
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
                // "1e10h" is a number, just not a TimeSpan: saturate, so the caller's upper bound names it as too long.
                var total = amount * milliseconds;
                value = Math.Abs(total) >= TimeSpan.MaxValue.TotalMilliseconds
                    ? (total < 0 ? TimeSpan.MinValue : TimeSpan.MaxValue)
                    : TimeSpan.FromMilliseconds(total);
                return true;
            }
        }

        return false;
    }

    /// <summary>The shortest of "500ms", "10s", "5m", "2h", "1d" that says the value exactly, for messages.</summary>
    public static string Format(TimeSpan value) =>
        value == TimeSpan.Zero ? "0s"
        : value.TotalDays == Math.Floor(value.TotalDays) ? $"{value.TotalDays:0}d"
        : value.TotalHours == Math.Floor(value.TotalHours) ? $"{value.TotalHours:0}h"
        : value.TotalMinutes == Math.Floor(value.TotalMinutes) ? $"{value.TotalMinutes:0}m"
        : value.TotalSeconds == Math.Floor(value.TotalSeconds) ? $"{value.TotalSeconds:0}s"
        : $"{value.TotalMilliseconds:0.###}ms";
}
