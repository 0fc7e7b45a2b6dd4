using Refit;

namespace CachetSync.Cachet.V3;

/// <summary>The Cachet 3 API (<c>/api</c>, JSON:API resources) as far as CachetSync uses it. Refit generates the client.</summary>
[Headers("Accept: application/json")]
public interface ICachet3Api
{
    [Get("/components")]
    Task<Cachet3List<Cachet3Component>> GetComponentsAsync(
        [AliasAs("per_page")] int perPage,
        int page,
        [AliasAs("include")] string include,
        CancellationToken cancellationToken);

    [Get("/component-groups")]
    Task<Cachet3List<Cachet3Group>> GetGroupsAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    [Get("/incidents")]
    Task<Cachet3List<Cachet3Incident>> GetIncidentsAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    [Post("/incidents")]
    Task<Cachet3Item<Cachet3Incident>> CreateIncidentAsync([Body] NewIncident3 incident, CancellationToken cancellationToken);

    [Post("/incidents/{id}/updates")]
    Task UpdateIncidentAsync(int id, [Body] NewIncidentUpdate update, CancellationToken cancellationToken);

    [Get("/metrics")]
    Task<Cachet3List<Cachet3Metric>> GetMetricsAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    [Post("/metrics")]
    Task<Cachet3Item<Cachet3Metric>> CreateMetricAsync([Body] NewMetric3 metric, CancellationToken cancellationToken);

    [Post("/metrics/{id}/points")]
    Task AddMetricPointAsync(int id, [Body] NewMetricPoint point, CancellationToken cancellationToken);

    [Put("/components/{id}")]
    Task<Cachet3Item<Cachet3Component>> UpdateComponentAsync(int id, [Body] ComponentStatusUpdate update, CancellationToken cancellationToken);
}
