using System.Globalization;

namespace CachetSync.Configuration;

/// <summary>
/// Sizes and rates as operators write them: "1MiB", "256 KiB", "1048576"; "20MiB/s", "100Mbit/s". Bits are spelled
/// "bit" on purpose: "Mb" would leave a reader guessing between megabits and megabytes.
/// </summary>
public static class ByteSizeText
{
    private static readonly (string Suffix, double Bytes)[] Units =
    [
        ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
        ("kbit", 1000 / 8.0), ("Mbit", 1_000_000 / 8.0), ("Gbit", 1_000_000_000 / 8.0),
        ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
    ];

    public static bool TryParse(string text, out double bytes)
    {
        bytes = 0;
        var trimmed = text.Trim();
        var unit = Units.FirstOrDefault(unit => trimmed.EndsWith(unit.Suffix, StringComparison.OrdinalIgnoreCase));
        var number = unit.Suffix is null ? trimmed : trimmed[..^unit.Suffix.Length].TrimEnd();
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount))
        {
            return false;
        }

        bytes = amount * (unit.Suffix is null ? 1 : unit.Bytes);
        return true;
    }

    /// <summary>A rate: a size per second ("20MiB/s").</summary>
    public static bool TryParseRate(string text, out double bytesPerSecond)
    {
        bytesPerSecond = 0;
        var trimmed = text.Trim();
        return trimmed.EndsWith("/s", StringComparison.OrdinalIgnoreCase) && TryParse(trimmed[..^2], out bytesPerSecond);
    }

    /// <summary>"312 KiB", "1 MiB", "3.1 MiB": binary units, at most one decimal.</summary>
    public static string Format(double bytes) => bytes switch
    {
        < 1024 => $"{bytes.ToString("0", CultureInfo.InvariantCulture)} B",
        < 1024 * 1024 => $"{(bytes / 1024).ToString("0.#", CultureInfo.InvariantCulture)} KiB",
        < 1024L * 1024 * 1024 => $"{(bytes / (1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} MiB",
        _ => $"{(bytes / (1024 * 1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} GiB",
    };

    public static string FormatRate(double bytesPerSecond) => $"{Format(bytesPerSecond)}/s";
}
