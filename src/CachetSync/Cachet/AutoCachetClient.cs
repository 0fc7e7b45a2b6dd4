using CachetSync.Cachet.V3;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Cachet;

/// <summary>
/// <c>Cachet.ApiVersion: auto</c>: tells Cachet 2.x from 3 the first time Cachet is needed, and speaks that flavour
/// from then on. The first call of every cycle and listing is the components read: asked the 2.x way, a 2.x answers
/// it (no extra request at all) and Cachet 3 has no such route (404, then read the 3 way: one extra request). Any
/// other first call asks <c>GET /api/v1/ping</c>, which every 2.x answers. An answer that says neither (Cachet down,
/// 5xx) decides nothing: the next call asks again.
/// </summary>
public sealed class AutoCachetClient(CachetClient v2, Cachet3Client v3, Uri baseUrl, ILogger<AutoCachetClient> logger) : ICachetClient
{
    private readonly SemaphoreSlim _deciding = new(1, 1);
    private ICachetClient? _flavour;

    public async Task<ICachetClient> FlavourAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _flavour) is { } known)
        {
            return known;
        }

        await _deciding.WaitAsync(cancellationToken);
        try
        {
            if (_flavour is null)
            {
                Decide(await v2.AnswersPingAsync(cancellationToken), "/api/v1/ping");
            }

            return _flavour!;
        }
        finally
        {
            _deciding.Release();
        }
    }

    public async Task<IReadOnlyList<CachetComponent>> ReadAllComponentsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _flavour) is { } known)
        {
            return await known.ReadAllComponentsAsync(cancellationToken);
        }

        await _deciding.WaitAsync(cancellationToken);
        try
        {
            if (_flavour is null)
            {
                try
                {
                    var components = await v2.ReadAllComponentsAsync(cancellationToken);
                    Decide(isV2: true, "/api/v1/components");
                    return components;
                }
                catch (CachetException ex) when (CachetClient.IsNotFound(ex))
                {
                    Decide(isV2: false, "/api/v1/components");
                }
            }
        }
        finally
        {
            _deciding.Release();
        }

        return await _flavour!.ReadAllComponentsAsync(cancellationToken);
    }

    private void Decide(bool isV2, string route)
    {
        logger.LogInformation(
            "Cachet at {BaseUrl} speaks the {Flavour} API ({Route} {Evidence}); set Cachet.ApiVersion to skip this check",
            baseUrl.GetLeftPart(UriPartial.Authority), isV2 ? "2.x" : "3", route, isV2 ? "answered" : "is not there");
        Volatile.Write(ref _flavour, isV2 ? v2 : v3);
    }

    public async Task<IReadOnlyList<CachetGroup>> ReadAllGroupsAsync(CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).ReadAllGroupsAsync(cancellationToken);

    public async Task<IReadOnlyList<CachetSchedule>> ReadMaintenanceSchedulesAsync(CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).ReadMaintenanceSchedulesAsync(cancellationToken);

    public async Task SetStatusAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).SetStatusAsync(componentId, status, cancellationToken);

    public async Task ConfirmStatusAfterIncidentAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).ConfirmStatusAfterIncidentAsync(componentId, status, cancellationToken);

    public async Task<IReadOnlyList<CachetIncident>> ReadIncidentsAsync(int componentId, CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).ReadIncidentsAsync(componentId, cancellationToken);

    public async Task<int> CreateIncidentAsync(NewIncident incident, CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).CreateIncidentAsync(incident, cancellationToken);

    public async Task UpdateIncidentAsync(int incidentId, NewIncidentUpdate update, CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).UpdateIncidentAsync(incidentId, update, cancellationToken);

    public async Task<IReadOnlyList<CachetMetric>> ReadAllMetricsAsync(CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).ReadAllMetricsAsync(cancellationToken);

    public async Task<CachetMetric> CreateMetricAsync(NewMetric metric, CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).CreateMetricAsync(metric, cancellationToken);

    public async Task AddMetricPointAsync(int metricId, NewMetricPoint point, CancellationToken cancellationToken) =>
        await (await FlavourAsync(cancellationToken)).AddMetricPointAsync(metricId, point, cancellationToken);
}
