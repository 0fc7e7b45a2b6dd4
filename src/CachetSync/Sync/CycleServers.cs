using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>Which servers a cycle probes: the configured ones, the component groups' expanded, this shard's share.</summary>
public sealed class CycleServers(CachetSyncSettings settings, ILogger logger)
{
    /// <summary>
    /// The servers of this cycle. Entries naming a component group need Cachet's components first; without such
    /// entries the probes start at once, while Cachet is still being read.
    /// </summary>
    public async Task<IReadOnlyList<ServerSettings>> ListAsync(Task<CachetRead> componentsTask)
    {
        var all = await AllServersAsync(componentsTask);
        if (settings.Shard is not { IsAll: false } shard)
        {
            return all;
        }

        var owned = shard.Filter(all);
        logger.LogInformation("Shard {Shard}: {Owned} of {Total} servers", shard, owned.Count, all.Count);
        return owned;
    }

    private async Task<IReadOnlyList<ServerSettings>> AllServersAsync(Task<CachetRead> componentsTask)
    {
        var templates = settings.Templates ?? [];
        if (templates.Count == 0)
        {
            return settings.Servers;
        }

        if ((await componentsTask).Components is not { } components)
        {
            logger.LogWarning("{Count} group entries of Servers need Cachet's components to find their servers; skipped this cycle", templates.Count);
            return settings.Servers;
        }

        var (servers, problems) = ServerDiscovery.Expand(settings.Servers, templates, components.Components, components.Groups);
        foreach (var problem in problems)
        {
            logger.LogWarning("{Problem}", problem);
        }

        logger.LogDebug("{Count} servers found through component groups", servers.Count - settings.Servers.Count);
        return servers;
    }
}
