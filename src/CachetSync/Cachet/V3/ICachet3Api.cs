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

    /// <summary>Newest first. filter[status]=1 keeps the incidents opened Investigating — every one CachetSync opens (an update
    /// to Fixed changes the status shown, not the stored one the filter reads, as the capture shows).</summary>
    [Get("/incidents?filter[status]=1")]
    Task<Cachet3List<Cachet3Incident>> GetInvestigatingIncidentsAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    /// <summary>In-progress maintenance with its components; cores before 2025-08 have no such route (404).</summary>
    [Get("/schedules?filter[status]=1&include=components")]
    Task<Cachet3List<Cachet3Schedule>> GetSchedulesInProgressAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    [Get("/incidents/{id}")]
    Task<Cachet3Item<Cachet3Incident>> GetIncidentAsync(int id, CancellationToken cancellationToken);

    [Get("/components/{id}")]
    Task<Cachet3Item<Cachet3Component>> GetComponentAsync(int id, CancellationToken cancellationToken);

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
