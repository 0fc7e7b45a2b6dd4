using CachetSync.Thresholds;

namespace CachetSync.Cachet;

/// <summary>
/// What CachetSync asks of Cachet, whichever version: components and groups (all pages), maintenance schedules in
/// progress, verified status writes, incidents and metrics. Cachet 2.x is <see cref="CachetClient"/>, Cachet 3
/// <see cref="V3.Cachet3Client"/> (which also reads maintenance from a component's own status).
/// </summary>
public interface ICachetClient
{

    Task<IReadOnlyList<CachetComponent>> ReadAllComponentsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<CachetGroup>> ReadAllGroupsAsync(CancellationToken cancellationToken);

    /// <summary>Maintenance schedules in progress (a Cachet 3 core too old to have them answers none).</summary>
    Task<IReadOnlyList<CachetSchedule>> ReadMaintenanceSchedulesAsync(CancellationToken cancellationToken);

    /// <summary>Writes a status and checks that Cachet really took it.</summary>
    Task SetStatusAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken);

    /// <summary>
    /// After an incident that names the component and a status: makes sure the component has that status. Cachet 2.4
    /// sets it from the incident — read back, and written only if it did not; Cachet 3 never does — written.
    /// </summary>
    /// <returns>The component as read back when it had the status (that read is the write's read-back); else null.</returns>
    Task<CachetComponent?> ConfirmStatusAfterIncidentAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken);

    /// <summary>Incidents that may concern the component (2.x filters by component; 3.x lists all).</summary>
    Task<IReadOnlyList<CachetIncident>> ReadIncidentsAsync(int componentId, CancellationToken cancellationToken);

    /// <summary>One incident as Cachet has it now; null when Cachet has no such incident (deleted, or never there).</summary>
    Task<CachetIncident?> ReadIncidentAsync(int incidentId, CancellationToken cancellationToken);

    /// <summary>One component as Cachet has it now (the read-back of a write).</summary>
    Task<CachetComponent> ReadComponentAsync(int componentId, CancellationToken cancellationToken);

    /// <summary>Opens an incident (never retried: a POST is not idempotent); returns its id.</summary>
    Task<int> CreateIncidentAsync(NewIncident incident, CancellationToken cancellationToken);

    Task UpdateIncidentAsync(int incidentId, NewIncidentUpdate update, CancellationToken cancellationToken);

    Task<IReadOnlyList<CachetMetric>> ReadAllMetricsAsync(CancellationToken cancellationToken);

    Task<CachetMetric> CreateMetricAsync(NewMetric metric, CancellationToken cancellationToken);

    Task AddMetricPointAsync(int metricId, NewMetricPoint point, CancellationToken cancellationToken);
}
