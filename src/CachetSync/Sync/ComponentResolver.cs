using CachetSync.Cachet;
using CachetSync.Configuration;

namespace CachetSync.Sync;

/// <summary>Finds the Cachet component each server drives, by id or by (non-unique) name.</summary>
public sealed class ComponentResolver
{
    private readonly Dictionary<int, CachetComponent> _byId;
    private readonly ILookup<string, CachetComponent> _byName;
    private readonly Dictionary<int, string> _maintenance = [];
    private readonly IReadOnlyList<CachetSchedule> _schedules;

    /// <param name="schedules">Maintenance schedules; the in-progress ones put their components under maintenance.</param>
    /// <param name="contested">Components more than one server entry resolves to, with why (see <see cref="WithClaimsOf"/>).</param>
    public ComponentResolver(
        IReadOnlyList<CachetComponent> components, IReadOnlyList<CachetSchedule>? schedules = null, IReadOnlyList<CachetGroup>? groups = null,
        IReadOnlyDictionary<int, string>? contested = null)
    {
        Components = components;
        Groups = groups ?? [];
        _schedules = schedules ?? [];
        Contested = contested ?? new Dictionary<int, string>();
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

    /// <summary>
    /// Components refused to every entry that resolves to them, with why: more than one entry resolves to it, or
    /// Cachet listed it twice, differently. Only those some server claims (see <see cref="WithClaimsOf"/>).
    /// </summary>
    public IReadOnlyDictionary<int, string> Contested { get; }

    /// <summary>The same components and groups, with these maintenance schedules applied too.</summary>
    public ComponentResolver WithSchedules(IReadOnlyList<CachetSchedule> schedules) => new(Components, schedules, Groups, Contested);

    /// <summary>
    /// The same, knowing which enabled servers claim which component. A component two entries resolve to (an id and
    /// the component's name, two names, a group's server and a name) is refused for every one of them: they would
    /// write over each other every cycle, and subscribers get a mail for each write.
    /// </summary>
    public ComponentResolver WithClaimsOf(IReadOnlyList<ServerSettings> servers)
    {
        var claims = servers.Where(server => server.Enabled)
            .Select(server => (Server: server, Find(server).Component))
            .Where(claim => claim.Component is not null)
            .ToList();
        var contested = claims
            .GroupBy(claim => claim.Component!.Id)
            .Where(sameComponent => sameComponent.Count() > 1)
            .ToDictionary(
                sameComponent => sameComponent.Key,
                sameComponent => $"component #{sameComponent.Key} is driven by {sameComponent.Count()} entries "
                    + $"({string.Join(", ", sameComponent.Select(claim => Entry(claim.Server)))}): nothing is written to it until one is removed");
        foreach (var (_, component) in claims)
        {
            if (component!.ListedTwice is { } why)
            {
                contested.TryAdd(component.Id, why);
            }
        }

        return new(Components, _schedules, Groups, contested);
    }

    private static string Entry(ServerSettings server) =>
        server.ComponentId is { } id ? $"{server.Name} by ComponentId {id}" : $"{server.Name} by Component \"{server.Component}\"";

    /// <summary>The component groups, read only when some server entry names a group.</summary>
    public IReadOnlyList<CachetGroup> Groups { get; }

    /// <summary>The name of the in-progress maintenance covering the component, if any.</summary>
    public string? MaintenanceOf(int componentId) => _maintenance.GetValueOrDefault(componentId);

    /// <returns>The component, or null with an error an operator can act on.</returns>
    /// <summary>How the error for a name Cachet does not list starts.</summary>
    public const string NoSuchName = "no component named";

    public (CachetComponent? Component, string? Error) Resolve(ServerSettings server)
    {
        var found = Find(server);
        return found.Component is { } component && Contested.TryGetValue(component.Id, out var why) ? (null, why) : found;
    }

    private (CachetComponent? Component, string? Error) Find(ServerSettings server)
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
            0 => (null, $"{NoSuchName} \"{server.Component}\" in Cachet"),
            _ => (null, $"{matches.Count} components are named \"{server.Component}\" (ids {string.Join(", ", matches.Select(m => m.Id))}); set ComponentId"),
        };
    }
}
