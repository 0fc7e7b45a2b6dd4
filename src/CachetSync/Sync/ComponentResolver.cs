using CachetSync.Cachet;
using CachetSync.Configuration;

namespace CachetSync.Sync;

/// <summary>Finds the Cachet component each server drives, by id or by (non-unique) name.</summary>
public sealed class ComponentResolver
{
    private readonly Dictionary<int, CachetComponent> _byId;
    private readonly ILookup<string, CachetComponent> _byName;
    private readonly Dictionary<int, string> _maintenance = [];

    /// <param name="schedules">Maintenance schedules; the in-progress ones put their components under maintenance.</param>
    public ComponentResolver(
        IReadOnlyList<CachetComponent> components, IReadOnlyList<CachetSchedule>? schedules = null, IReadOnlyList<CachetGroup>? groups = null)
    {
        Components = components;
        Groups = groups ?? [];
        _byId = components.ToDictionary(component => component.Id);
        _byName = components.ToLookup(component => component.Name, StringComparer.Ordinal);
        foreach (var component in components.Where(component => component.UnderMaintenance))
        {
            _maintenance.TryAdd(component.Id, "its status is Under Maintenance");
        }

        foreach (var schedule in (schedules ?? []).Where(schedule => schedule.IsInProgress))
        {
            foreach (var covered in schedule.Components ?? [])
            {
                _maintenance.TryAdd(covered.ComponentId, schedule.Name ?? $"schedule #{schedule.Id}");
            }
        }
    }

    public IReadOnlyList<CachetComponent> Components { get; }

    /// <summary>The same components and groups, with these maintenance schedules applied too.</summary>
    public ComponentResolver WithSchedules(IReadOnlyList<CachetSchedule> schedules) => new(Components, schedules, Groups);

    /// <summary>The component groups, read only when some server entry names a group.</summary>
    public IReadOnlyList<CachetGroup> Groups { get; }

    /// <summary>The name of the in-progress maintenance covering the component, if any.</summary>
    public string? MaintenanceOf(int componentId) => _maintenance.GetValueOrDefault(componentId);

    /// <returns>The component, or null with an error an operator can act on.</returns>
    public (CachetComponent? Component, string? Error) Resolve(ServerSettings server)
    {
        if (server.ComponentId is { } id)
        {
            return _byId.TryGetValue(id, out var byId)
                ? (byId, null)
                : (null, $"no component #{id} in Cachet (deleted, disabled, or hidden from this token?)");
        }

        var matches = _byName[server.Component!].ToList();
        return matches.Count switch
        {
            1 => (matches[0], null),
            0 => (null, $"no component named \"{server.Component}\" in Cachet"),
            _ => (null, $"{matches.Count} components are named \"{server.Component}\" (ids {string.Join(", ", matches.Select(m => m.Id))}); set ComponentId"),
        };
    }
}
