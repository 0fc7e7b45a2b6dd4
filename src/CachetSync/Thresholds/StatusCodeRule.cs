namespace CachetSync.Thresholds;

/// <summary>An HTTP status code or inclusive range of codes, and the component status it maps to.</summary>
public sealed record StatusCodeRule(int From, int To, ComponentStatus Status)
{
    public int Width => To - From;

    public bool Matches(int code) => code >= From && code <= To;

    public bool Overlaps(StatusCodeRule other) => From <= other.To && other.From <= To;

    public override string ToString() => From == To ? $"{From}" : $"{From}-{To}";

    /// <summary>Reads a key such as "429" or "500-599".</summary>
    public static bool TryParseKey(string key, ComponentStatus status, out StatusCodeRule rule)
    {
        rule = new StatusCodeRule(0, 0, status);
        var parts = key.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2
            || !int.TryParse(parts[0], out var from)
            || !int.TryParse(parts[^1], out var to)
            || from is < 100 or > 599
            || to is < 100 or > 599
            || from > to)
        {
            return false;
        }

        rule = new StatusCodeRule(from, to, status);
        return true;
    }
}
