namespace CachetSync.Reports;

/// <summary>Collects counts key by key; a key with any unusable value is rejected as a whole (probe-only for it).</summary>
public sealed class ReportCountsBuilder
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.OrdinalIgnoreCase);
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

        var total = (_counts.TryGetValue(key, out var existing) ? existing : 0) + count;
        _counts[key] = (int)Math.Min(total, int.MaxValue);
    }

    public void Reject(string key, string reason)
    {
        _counts.Remove(key);
        _rejected.TryAdd(key, reason);
    }

    public ReportCounts Build() => new(_counts, _rejected);
}
