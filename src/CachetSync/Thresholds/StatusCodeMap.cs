namespace CachetSync.Thresholds;

/// <summary>
/// Maps an HTTP status code to a component status. The most specific rule wins: an exact code over
/// a range, a narrower range over a wider one, and <see cref="Default"/> when nothing matches.
/// </summary>
public sealed class StatusCodeMap
{
    private readonly StatusCodeRule[] _rulesNarrowestFirst;

    public StatusCodeMap(IEnumerable<StatusCodeRule> rules, ComponentStatus @default)
    {
        _rulesNarrowestFirst = rules.OrderBy(rule => rule.Width).ThenBy(rule => rule.From).ToArray();
        Default = @default;
    }

    public ComponentStatus Default { get; }

    public IReadOnlyList<StatusCodeRule> Rules => _rulesNarrowestFirst;

    public ComponentStatus Map(int code)
    {
        foreach (var rule in _rulesNarrowestFirst)
        {
            if (rule.Matches(code))
            {
                return rule.Status;
            }
        }

        return Default;
    }

    /// <summary>Pairs of rules of the same width that share a code: neither is more specific.</summary>
    public static IEnumerable<(StatusCodeRule First, StatusCodeRule Second)> Ambiguities(IReadOnlyList<StatusCodeRule> rules)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            for (var j = i + 1; j < rules.Count; j++)
            {
                if (rules[i].Width == rules[j].Width && rules[i].Overlaps(rules[j]))
                {
                    yield return (rules[i], rules[j]);
                }
            }
        }
    }
}
