namespace CachetSync.Reports;

/// <summary>
/// Collects counts, and audiences where the source gives them, key by key; a key with any unusable value is
/// rejected as a whole (probe-only for it).
/// </summary>
public sealed class ReportCountsBuilder
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _audiences = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _audienceIncomplete = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _rejected = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string key, long count)
    {
        if (_rejected.ContainsKey(key))
        {
            return;
        }

        if (count < 0)
        {
            Reject(key, $"{count} is not a count");
            return;
        }

        _counts[key] = (int)Math.Min(Saturated(_counts.TryGetValue(key, out var existing) ? existing : 0, count), int.MaxValue);
    }

    /// <summary>
    /// A row's count with its audience, or null for a row that gives none: rows of one key add up, and a key with
    /// a row without an audience has no known audience (its total would be too small, its rate too high).
    /// </summary>
    public void Add(string key, long count, long? audience)
    {
        Add(key, count);
        if (audience is { } value)
        {
            AddAudience(key, value);
        }
        else if (!_rejected.ContainsKey(key))
        {
            _audienceIncomplete.Add(key);
            _audiences.Remove(key);
        }
    }

    /// <summary>A key's audience (from a source that gives it apart from the counts); a key without a count has 0 reports.</summary>
    public void AddAudience(string key, long audience)
    {
        if (_rejected.ContainsKey(key) || _audienceIncomplete.Contains(key))
        {
            return;
        }

        if (audience < 0)
        {
            Reject(key, $"audience {audience} is not a number of viewers");
            return;
        }

        _audiences[key] = Saturated(_audiences.TryGetValue(key, out var existing) ? existing : 0, audience);
    }

    public void Reject(string key, string reason)
    {
        _counts.Remove(key);
        _audiences.Remove(key);
        _rejected.TryAdd(key, reason);
    }

    public ReportCounts Build() => new(_counts, _rejected) { Audiences = _audiences };

    /// <summary>A sum of non-negative numbers that stops at the largest, never wrapping to a negative.</summary>
    private static long Saturated(long existing, long added) => existing > long.MaxValue - added ? long.MaxValue : existing + added;
}
