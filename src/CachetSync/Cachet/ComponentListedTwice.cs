namespace CachetSync.Cachet;

/// <summary>
/// A component id that Cachet's list gives twice with different content (a broken plugin, a join gone wrong, a status
/// changed between two page reads): which copy is Cachet's? Neither is trusted, so nothing is written to it.
/// </summary>
public static class ComponentListedTwice
{
    /// <summary>Collects the ids listed twice differently, for <see cref="PageWalk"/>'s <c>repeated</c>.</summary>
    public static Action<CachetComponent, CachetComponent> Into(Dictionary<int, string> twice) => (first, again) =>
    {
        if (first != again)
        {
            twice.TryAdd(first.Id, $"Cachet listed component #{first.Id} twice, differently (\"{Clipped.Within(first.Name, 60)}\" status {first.Status}, "
                + $"\"{Clipped.Within(again.Name, 60)}\" status {again.Status}): nothing is written to it this cycle");
        }
    };

    public static IReadOnlyList<CachetComponent> Marked(IReadOnlyList<CachetComponent> components, Dictionary<int, string> twice) =>
        twice.Count == 0 ? components : components.Select(component => twice.TryGetValue(component.Id, out var why) ? component with { ListedTwice = why } : component).ToList();
}
