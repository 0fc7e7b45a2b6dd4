using Refit;

namespace CachetSync.Cachet;

/// <summary>The Cachet 2.x API (<c>/api/v1</c>) as far as CachetSync uses it. Refit generates the client.</summary>
[Headers("Accept: application/json")]
public interface ICachetApi
{
    /// <summary>Answers <c>{"data":"Pong!"}</c> on every 2.x, offline too (unlike /version, which looks up releases online).</summary>
    [Get("/ping")]
    Task<CachetItem<string>> PingAsync(CancellationToken cancellationToken);

    [Get("/components")]
    Task<CachetPage<CachetComponent>> GetComponentsAsync(
        [AliasAs("per_page")] int perPage,
        int page,
        CancellationToken cancellationToken);

    [Get("/components/{id}")]
    Task<CachetItem<CachetComponent>> GetComponentAsync(int id, CancellationToken cancellationToken);

    [Get("/components/groups")]
    Task<CachetPage<CachetGroup>> GetGroupsAsync(
        [AliasAs("per_page")] int perPage,
        int page,
        CancellationToken cancellationToken);

    [Get("/schedules")]
    Task<CachetPage<CachetSchedule>> GetSchedulesAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    /// <summary>
    /// A component's incidents, newest first, one page. Never with <c>page</c>: 2.4 turns every parameter but
    /// sort, order and per_page into a column filter once one is, and <c>page=1</c> then matches nothing.
    /// </summary>
    [Get("/incidents?sort=id&order=desc")]
    Task<CachetPage<CachetIncident>> GetIncidentsOfComponentAsync(
        [AliasAs("component_id")] int componentId,
        [AliasAs("per_page")] int perPage,
        CancellationToken cancellationToken);

    [Get("/incidents/{id}")]
    Task<CachetItem<CachetIncident>> GetIncidentAsync(int id, CancellationToken cancellationToken);

    [Post("/incidents")]
    Task<CachetItem<CachetIncident>> CreateIncidentAsync([Body] NewIncident incident, CancellationToken cancellationToken);

    [Post("/incidents/{id}/updates")]
    Task<CachetItem<CachetIncident>> UpdateIncidentAsync(int id, [Body] NewIncidentUpdate update, CancellationToken cancellationToken);

    [Get("/metrics")]
    Task<CachetPage<CachetMetric>> GetMetricsAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    [Post("/metrics")]
    Task<CachetItem<CachetMetric>> CreateMetricAsync([Body] NewMetric metric, CancellationToken cancellationToken);

    [Post("/metrics/{id}/points")]
    Task<CachetItem<CachetMetric>> AddMetricPointAsync(int id, [Body] NewMetricPoint point, CancellationToken cancellationToken);

    [Put("/components/{id}")]
    Task<CachetItem<CachetComponent>> UpdateComponentAsync(
        int id,
        [Body] ComponentStatusUpdate update,
        CancellationToken cancellationToken);
}
