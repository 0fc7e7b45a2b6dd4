using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Thresholds;

namespace CachetSync.Sync;

/// <summary>
/// Writes one component's new status. With incidents on, Operational → outage opens an incident that also sets
/// the status (one call on Cachet 2.4), and the way back to Operational marks that incident Fixed. Never two open
/// incidents for a component: the one CachetSync opened is remembered, and found again by its marker if not.
/// </summary>
public sealed class StatusWriter(CachetClient cachet, IncidentSettings incidents)
{
    /// <returns>The incident open for the component after the write, if any.</returns>
    public async Task<int?> WriteAsync(ServerOutcome plan, int? openIncident, CancellationToken cancellationToken)
    {
        var componentId = plan.ComponentId!.Value;
        var desired = plan.Desired.Status;
        if (!incidents.Enabled)
        {
            await cachet.SetStatusAsync(componentId, desired, cancellationToken);
            return openIncident;
        }

        if (plan.Current == ComponentStatus.Operational && IsOutage(desired))
        {
            openIncident ??= await FindOpenIncidentAsync(componentId, cancellationToken);
            if (openIncident is null)
            {
                return await cachet.CreateIncidentAsync(
                    new NewIncident(
                        IncidentText.Fill(incidents.Name, plan),
                        IncidentText.MarkedMessage(incidents.Message, plan),
                        CachetIncident.Investigating,
                        incidents.Visible ? 1 : 0,
                        componentId,
                        (int)desired,
                        incidents.Notify),
                    cancellationToken);
            }
        }

        await cachet.SetStatusAsync(componentId, desired, cancellationToken);
        if (desired == ComponentStatus.Operational && (openIncident ?? await FindOpenIncidentAsync(componentId, cancellationToken)) is { } incident)
        {
            await cachet.UpdateIncidentAsync(incident, new NewIncidentUpdate(CachetIncident.Fixed, IncidentText.Fill(incidents.FixedMessage, plan)), cancellationToken);
            return null;
        }

        return openIncident;
    }

    private static bool IsOutage(ComponentStatus status) => status is ComponentStatus.PartialOutage or ComponentStatus.MajorOutage;

    private async Task<int?> FindOpenIncidentAsync(int componentId, CancellationToken cancellationToken)
    {
        var marker = IncidentText.Marker(componentId);
        var incidentsOfComponent = await cachet.ReadIncidentsAsync(componentId, cancellationToken);
        return incidentsOfComponent
            .Where(incident => incident.Status != CachetIncident.Fixed && incident.Message?.Contains(marker, StringComparison.Ordinal) == true)
            .Select(incident => (int?)incident.Id)
            .Max();
    }
}
