using System.Globalization;
using CachetSync.Thresholds;

namespace CachetSync.Cachet.V3;

/// <summary>
/// Cachet 3 behind <see cref="ICachetClient"/>: lists are walked page by page until <c>links.next</c> is null
/// (there is no total), at most 100 per page (the server clamps there); status 5 (Unknown) reads as Unknown and
/// 6 reads as <see cref="ComponentStatus.UnderMaintenance"/>, which marks the component as under maintenance. Incidents and metrics speak the 3.x bodies.
/// </summary>
public sealed class Cachet3Client(ICachet3Api api, int pageSize) : ICachetClient
{
    private const int UnknownStatus = 5;
    private const int UnderMaintenanceStatus = 6;

    /// <summary>How many pages of Investigating incidents are searched for CachetSync's marker, newest first.</summary>
    public const int MaxIncidentPages = 10;

    private readonly int _perPage = Math.Clamp(pageSize, 1, 100);
    private bool _noSchedules;

    /// <summary>
    /// The in-progress schedules, on cores that have them. An older core answers 404: that is "no schedules", remembered
    /// for the process (a component under maintenance there still says so in its own status, 6).
    /// </summary>
    public async Task<IReadOnlyList<CachetSchedule>> ReadMaintenanceSchedulesAsync(CancellationToken cancellationToken)
    {
        if (_noSchedules)
        {
            return [];
        }

        try
        {
            var resources = await ReadAllPagesAsync(
                "/schedules", page => api.GetSchedulesInProgressAsync(_perPage, page, cancellationToken), schedule => schedule.Id, cancellationToken);
            return resources.Where(resource => resource.Attributes is not null)
                .Select(resource => new CachetSchedule(
                    resource.Attributes!.Id,
                    resource.Attributes.Name,
                    resource.Attributes.Status,
                    (resource.Relationships?.Components?.Data ?? [])
                        .Select(component => int.TryParse(component.Id, CultureInfo.InvariantCulture, out var id) ? id : 0)
                        .Where(id => id > 0)
                        .Select(id => new CachetScheduleComponent(id))
                        .ToList()))
                .ToList();
        }
        catch (CachetException ex) when (CachetClient.IsNotFound(ex))
        {
            _noSchedules = true;
            return [];
        }
    }

    /// <summary>On Cachet 3 the incident only links the component: its own status always needs the write.</summary>
    public async Task<CachetComponent?> ConfirmStatusAfterIncidentAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken)
    {
        await SetStatusAsync(componentId, status, cancellationToken);
        return null;
    }

    /// <summary>
    /// Candidates for the component's open incident: Investigating ones (the API's own filter), newest first, at most
    /// <see cref="MaxIncidentPages"/> pages — no walk through a status page's whole history on every recovery.
    /// </summary>
    public async Task<IReadOnlyList<CachetIncident>> ReadIncidentsAsync(int componentId, CancellationToken cancellationToken)
    {
        var resources = await ReadAllPagesAsync(
            "/incidents", page => api.GetInvestigatingIncidentsAsync(_perPage, page, cancellationToken), incident => incident.Id, cancellationToken,
            maxPages: MaxIncidentPages);
        return resources.Where(resource => resource.Attributes is { } attributes && attributes.ComponentId == componentId)
            .Select(resource => resource.Attributes!)
            .Select(incident => new CachetIncident(incident.Id, incident.Name, incident.Status, incident.ComponentId, incident.Message))
            .ToList();
    }

    public async Task<CachetIncident?> ReadIncidentAsync(int incidentId, CancellationToken cancellationToken)
    {
        var operation = $"GET /incidents/{incidentId}";
        try
        {
            var answer = await CachetErrorTranslator.CallAsync(() => api.GetIncidentAsync(incidentId, cancellationToken), operation, cancellationToken);
            return answer?.Data?.Attributes is { } incident
                ? new CachetIncident(incident.Id, incident.Name, incident.Status, incident.ComponentId, incident.Message)
                : throw new CachetException($"{operation}: Cachet answered without the incident's \"attributes\"");
        }
        catch (CachetException ex) when (CachetClient.IsNotFound(ex))
        {
            return null;
        }
    }

    public async Task<CachetComponent> ReadComponentAsync(int componentId, CancellationToken cancellationToken)
    {
        var operation = $"GET /components/{componentId}";
        var answer = await CachetErrorTranslator.CallAsync(() => api.GetComponentAsync(componentId, cancellationToken), operation, cancellationToken);
        return answer?.Data is { } resource ? ToComponent(resource) : throw new CachetException($"{operation}: Cachet answered JSON without \"data\"");
    }

    public async Task<int> CreateIncidentAsync(NewIncident incident, CancellationToken cancellationToken)
    {
        const string operation = "POST /incidents";
        var body = new NewIncident3(
            incident.Name, incident.Message, incident.Status, incident.Visible == 1, incident.Notify, incident.ComponentId, incident.ComponentStatus);
        var answer = await CachetErrorTranslator.CallAsync(() => api.CreateIncidentAsync(body, cancellationToken), operation, cancellationToken);
        return answer?.Data?.Attributes?.Id is { } id and > 0
            ? id
            : throw new CachetException($"{operation}: Cachet answered without the new incident's id");
    }

    public Task UpdateIncidentAsync(int incidentId, NewIncidentUpdate update, CancellationToken cancellationToken) =>
        CachetErrorTranslator.CallAsync(
            async () => { await api.UpdateIncidentAsync(incidentId, update, cancellationToken); return true; },
            $"POST /incidents/{incidentId}/updates",
            cancellationToken);

    public async Task<IReadOnlyList<CachetMetric>> ReadAllMetricsAsync(CancellationToken cancellationToken)
    {
        var resources = await ReadAllPagesAsync(
            "/metrics", page => api.GetMetricsAsync(_perPage, page, cancellationToken), metric => metric.Id, cancellationToken);
        return resources.Where(resource => resource.Attributes is not null)
            .Select(resource => new CachetMetric(resource.Attributes!.Id, resource.Attributes.Name ?? "", resource.Attributes.CalcType))
            .ToList();
    }

    public async Task<CachetMetric> CreateMetricAsync(NewMetric metric, CancellationToken cancellationToken)
    {
        const string operation = "POST /metrics";
        var body = new NewMetric3(metric.Name, metric.Suffix, metric.Description, metric.CalcType, metric.DisplayChart == 1);
        var answer = await CachetErrorTranslator.CallAsync(() => api.CreateMetricAsync(body, cancellationToken), operation, cancellationToken);
        return answer?.Data?.Attributes is { Id: > 0 } created
            ? new CachetMetric(created.Id, created.Name ?? metric.Name, created.CalcType)
            : throw new CachetException($"{operation}: Cachet answered without the new metric");
    }

    public Task AddMetricPointAsync(int metricId, NewMetricPoint point, CancellationToken cancellationToken) =>
        CachetErrorTranslator.CallAsync(
            async () => { await api.AddMetricPointAsync(metricId, point, cancellationToken); return true; },
            $"POST /metrics/{metricId}/points",
            cancellationToken);

    public async Task<IReadOnlyList<CachetComponent>> ReadAllComponentsAsync(CancellationToken cancellationToken)
    {
        // Repeats are compared as components: a resource holds its "updated" as a JsonElement, which never equals another's.
        var twice = new Dictionary<int, string>();
        var collect = ComponentListedTwice.Into(twice);
        var resources = await ReadAllPagesAsync(
            "/components", page => api.GetComponentsAsync(_perPage, page, "group", cancellationToken), component => component.Id, cancellationToken,
            repeated: (first, again) => collect(ToComponent(first), ToComponent(again)));
        return ComponentListedTwice.Marked(resources.Select(ToComponent).ToList(), twice);
    }

    private static CachetComponent ToComponent(Cachet3Component resource) => resource.Attributes is { } attributes
        ? new CachetComponent(
            attributes.Id,
            attributes.Name ?? "",
            attributes.Status == UnknownStatus ? (int)ComponentStatus.Unknown : attributes.Status,
            int.TryParse(resource.Relationships?.Group?.Data?.Id, CultureInfo.InvariantCulture, out var group) ? group : null,
            attributes.Enabled,
            attributes.Status == UnderMaintenanceStatus || attributes.LatestStatus == UnderMaintenanceStatus,
            attributes.UpdatedStamp)
        : throw new CachetException($"GET /components: a component without \"attributes\" (id {resource.Id})");

    public async Task<IReadOnlyList<CachetGroup>> ReadAllGroupsAsync(CancellationToken cancellationToken)
    {
        var resources = await ReadAllPagesAsync(
            "/component-groups", page => api.GetGroupsAsync(_perPage, page, cancellationToken), group => group.Id, cancellationToken);
        return resources.Where(resource => resource.Attributes is not null)
            .Select(resource => new CachetGroup(resource.Attributes!.Id, resource.Attributes.Name ?? ""))
            .ToList();
    }

    public async Task SetStatusAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken)
    {
        var operation = $"PUT /components/{componentId}";
        if (status is ComponentStatus.Unknown)
        {
            // Cachet 3 has no 0; its Unknown (5) is no status for a probe to set.
            throw new CachetException($"{operation}: Unknown is never written to Cachet 3");
        }

        var answer = await CachetErrorTranslator.CallAsync(
            () => api.UpdateComponentAsync(componentId, new ComponentStatusUpdate((int)status), cancellationToken), operation, cancellationToken);
        var applied = answer?.Data?.Attributes?.Status;
        if (applied != (int)status)
        {
            throw new CachetException(
                $"{operation}: Cachet answered but the status is {applied?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, not {(int)status}: not applied");
        }
    }

    /// <param name="maxPages">Stop quietly after this many pages (a bounded search), instead of reading to the end.</param>
    private Task<IReadOnlyList<T>> ReadAllPagesAsync<T>(
        string path, Func<int, Task<Cachet3List<T>>> readPage, Func<T, string> id, CancellationToken cancellationToken, int? maxPages = null,
        Action<T, T>? repeated = null) =>
        PageWalk.ReadAllAsync(path, _perPage, async page =>
        {
            var answer = await readPage(page);
            return new ListPage<T>(answer?.Data, TotalPages: null, HasNext: answer?.Links?.Next is not null);
        }, id, cancellationToken, maxPages, repeated);
}
