using CachetSync.Cachet;
using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>What a cycle reads from Cachet, and what it does when Cachet cannot be read.</summary>
public sealed class CachetReader(CachetVersion? cachet, CachetSyncSettings settings, ILogger logger)
{
    /// <summary>
    /// The maintenance schedules, when components under maintenance are to be left alone. If they cannot be read the
    /// cycle goes on without them, with a warning: statuses are the job, and a Cachet without schedules is common.
    /// </summary>
    public async Task<IReadOnlyList<CachetSchedule>> ReadMaintenanceAsync(ICachetClient cachet, CancellationToken stopping)
    {
        if (!settings.Cachet.RespectMaintenance)
        {
            return [];
        }

        try
        {
            return await cachet.ReadMaintenanceSchedulesAsync(stopping);
        }
        catch (CachetException ex)
        {
            logger.LogWarning("Maintenance schedules could not be read, so none is respected this cycle: {Error}", ex.Message);
            return [];
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return [];
        }
    }

    /// <summary>
    /// A name Cachet 2.4 does not list may be a token it does not accept: it then reads as if anonymous, and hides
    /// disabled components. Asked once, only then (one request that writes nothing), so a wrong token is said as one.
    /// </summary>
    private async Task CheckTokenIfNamesAreMissingAsync(ICachetClient client, ComponentResolver resolver, CancellationToken stopping)
    {
        if (client is not CachetClient v2)
        {
            return;
        }

        var missing = settings.Servers.FirstOrDefault(server => server.ComponentId is null && resolver.Resolve(server).Error?.StartsWith(ComponentResolver.NoSuchName, StringComparison.Ordinal) == true);
        if (missing is not null && !await v2.AcceptsTokenAsync(stopping))
        {
            throw new CachetException(
                $"Cachet rejected the API token (HTTP 401 to a write that changes nothing); Cachet 2.4 reads with a token it does not accept as if anonymous, so disabled components such as \"{missing.Component}\" seemed missing",
                tokenRejected: true);
        }
    }

    public async Task<CachetRead> ReadComponentsAsync(CancellationToken stopping)
    {
        if (cachet is null)
        {
            return new CachetRead(null, null, null);
        }

        try
        {
            // One after the other, not at once: after an outage the circuit breaker lets one trial call through,
            // and that call must be the one the cycle cannot do without. (Schedules come later, and only for a change.)
            var (client, components) = await cachet.ReadComponentsAsync(stopping);
            logger.LogDebug("Read {Count} components from Cachet", components.Count);
            if (components.Count == 0)
            {
                // A proxy or another service at BaseUrl answering {"data": []} would otherwise plan nothing, and say nothing.
                throw new CachetException(
                    $"Cachet listed no components at all, though {settings.Servers.Count + (settings.Templates ?? []).Count} server entries are configured " +
                    "(a proxy or another service answering at Cachet.BaseUrl?); nothing is written");
            }

            var groups = settings.Templates is { Count: > 0 } ? await client.ReadAllGroupsAsync(stopping) : [];
            var resolver = new ComponentResolver(components, groups: groups);
            await CheckTokenIfNamesAreMissingAsync(client, resolver, stopping);
            return new CachetRead(resolver, null, client);
        }
        catch (CachetException ex)
        {
            logger.LogError("Cachet could not be read, nothing will be written: {Error}", ex.Message);
            return new CachetRead(null, ex.Message, null);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return new CachetRead(null, null, null);
        }
    }
}
