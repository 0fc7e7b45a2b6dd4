using CachetSync.Thresholds;

namespace CachetSync.Cachet;

/// <summary>
/// The Cachet 2.x client (<c>/api/v1</c>, <c>X-Cachet-Token</c>): components, groups, schedules and metrics (all
/// pages), verified status writes, incidents, metric points, and the ping that tells a 2.x from a Cachet 3.
/// </summary>
public sealed class CachetClient(ICachetApi api, int pageSize) : ICachetClient
{
    /// <summary>True when this is a Cachet 2.x: its /ping answers; an error that says nothing either way is thrown.</summary>
    /// <exception cref="CachetException">Cachet could not be asked (down, timeout, 5xx).</exception>
    public async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CachetErrorTranslator.CallAsync(() => api.PingAsync(cancellationToken), "GET /ping", cancellationToken);
            return true;
        }
        catch (CachetException ex) when (IsNotFound(ex))
        {
            return false;
        }
    }

    /// <summary>Cachet answered that the route is not there: a 2.x route asked of a Cachet 3.</summary>
    public static bool IsNotFound(CachetException exception) =>
        exception.InnerException is Refit.ApiException { StatusCode: System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.MethodNotAllowed };

    /// <summary>
    /// 2.4 sets the component from the incident's component_status, and answers the incident, not the component: one
    /// read says whether it did. If not (a Cachet that ignored it), the status is written and verified like any other.
    /// </summary>
    public async Task<CachetComponent?> ConfirmStatusAfterIncidentAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken)
    {
        var shown = await ReadComponentAsync(componentId, cancellationToken);
        if (shown.Status == (int)status)
        {
            return shown;
        }

        await SetStatusAsync(componentId, status, cancellationToken);
        return null;
    }

    public async Task<IReadOnlyList<CachetComponent>> ReadAllComponentsAsync(CancellationToken cancellationToken)
    {
        var twice = new Dictionary<int, string>();
        var components = await ReadAllPagesAsync(
            "/components", page => api.GetComponentsAsync(pageSize, page, cancellationToken), component => component.Id, cancellationToken, ComponentListedTwice.Into(twice));
        return ComponentListedTwice.Marked(components, twice);
    }

    public Task<IReadOnlyList<CachetGroup>> ReadAllGroupsAsync(CancellationToken cancellationToken) =>
        ReadAllPagesAsync("/components/groups", page => api.GetGroupsAsync(pageSize, page, cancellationToken), group => group.Id, cancellationToken);

    public Task<IReadOnlyList<CachetSchedule>> ReadMaintenanceSchedulesAsync(CancellationToken cancellationToken) =>
        ReadAllPagesAsync("/schedules", page => api.GetSchedulesAsync(pageSize, page, cancellationToken), schedule => schedule.Id, cancellationToken);

    /// <summary>
    /// The component's latest <c>PageSize</c> incidents, newest first, in one request (a filtered 2.4 list cannot be
    /// paged): CachetSync's open incident is among a component's latest, and older ones cannot be open ones it needs.
    /// </summary>
    public async Task<IReadOnlyList<CachetIncident>> ReadIncidentsAsync(int componentId, CancellationToken cancellationToken)
    {
        var operation = $"GET /incidents?component_id={componentId}";
        var answer = await CachetErrorTranslator.CallAsync(() => api.GetIncidentsOfComponentAsync(componentId, pageSize, cancellationToken), operation, cancellationToken);
        return answer?.Data ?? throw new CachetException($"{operation}: Cachet answered JSON without \"data\"");
    }

    public async Task<CachetIncident?> ReadIncidentAsync(int incidentId, CancellationToken cancellationToken)
    {
        var operation = $"GET /incidents/{incidentId}";
        try
        {
            var answer = await CachetErrorTranslator.CallAsync(() => api.GetIncidentAsync(incidentId, cancellationToken), operation, cancellationToken);
            return answer?.Data ?? throw new CachetException($"{operation}: Cachet answered JSON without \"data\"");
        }
        catch (CachetException ex) when (IsNotFound(ex))
        {
            return null;
        }
    }

    public async Task<CachetComponent> ReadComponentAsync(int componentId, CancellationToken cancellationToken)
    {
        var operation = $"GET /components/{componentId}";
        var answer = await CachetErrorTranslator.CallAsync(() => api.GetComponentAsync(componentId, cancellationToken), operation, cancellationToken);
        return answer?.Data ?? throw new CachetException($"{operation}: Cachet answered JSON without \"data\"");
    }

    /// <summary>Opens an incident (never retried: a POST is not idempotent); returns its id.</summary>
    public async Task<int> CreateIncidentAsync(NewIncident incident, CancellationToken cancellationToken)
    {
        const string operation = "POST /incidents";
        var answer = await CachetErrorTranslator.CallAsync(() => api.CreateIncidentAsync(incident, cancellationToken), operation, cancellationToken);
        return answer?.Data?.Id is { } id and > 0
            ? id
            : throw new CachetException($"{operation}: Cachet answered without the new incident's id");
    }

    public async Task UpdateIncidentAsync(int incidentId, NewIncidentUpdate update, CancellationToken cancellationToken)
    {
        var operation = $"POST /incidents/{incidentId}/updates";
        await CachetErrorTranslator.CallAsync(() => api.UpdateIncidentAsync(incidentId, update, cancellationToken), operation, cancellationToken);
    }

    public Task<IReadOnlyList<CachetMetric>> ReadAllMetricsAsync(CancellationToken cancellationToken) =>
        ReadAllPagesAsync("/metrics", page => api.GetMetricsAsync(pageSize, page, cancellationToken), metric => metric.Id, cancellationToken);

    public async Task<CachetMetric> CreateMetricAsync(NewMetric metric, CancellationToken cancellationToken)
    {
        const string operation = "POST /metrics";
        var answer = await CachetErrorTranslator.CallAsync(() => api.CreateMetricAsync(metric, cancellationToken), operation, cancellationToken);
        return answer?.Data is { Id: > 0 } created
            ? created
            : throw new CachetException($"{operation}: Cachet answered without the new metric");
    }

    public async Task AddMetricPointAsync(int metricId, NewMetricPoint point, CancellationToken cancellationToken)
    {
        var operation = $"POST /metrics/{metricId}/points";
        await CachetErrorTranslator.CallAsync(() => api.AddMetricPointAsync(metricId, point, cancellationToken), operation, cancellationToken);
    }

    private Task<IReadOnlyList<T>> ReadAllPagesAsync<T>(
        string path, Func<int, Task<CachetPage<T>>> readPage, Func<T, int> id, CancellationToken cancellationToken, Action<T, T>? repeated = null) =>
        PageWalk.ReadAllAsync(path, pageSize, async page =>
        {
            // No meta: one page.
            var answer = await readPage(page);
            return new ListPage<T>(answer?.Data, answer?.Meta?.Pagination?.TotalPages ?? 1, HasNext: false);
        }, id, cancellationToken, repeated: repeated);

    /// <summary>
    /// Whether Cachet accepts the token, asked without writing anything: 2.4 reads with a token it does not accept as
    /// if anonymous (disabled components silently missing), so only a write says. A write to component 0, which no
    /// Cachet has, answers 401 to a wrong token and 404 to a good one (../shared/cachet-api/cachet-2.4-transcript.txt).
    /// </summary>
    public async Task<bool> AcceptsTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CachetErrorTranslator.CallAsync(
                () => api.UpdateComponentAsync(0, new ComponentStatusUpdate((int)ComponentStatus.Operational), cancellationToken), "PUT /components/0", cancellationToken);
            return true;
        }
        catch (CachetException ex) when (ex.TokenRejected || IsNotFound(ex))
        {
            return !ex.TokenRejected;
        }
    }

    /// <summary>Writes a status and checks that Cachet really took it (Cachet answers 200 to a body it ignored).</summary>
    public async Task SetStatusAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken)
    {
        var operation = $"PUT /components/{componentId}";
        var answer = await CachetErrorTranslator.CallAsync(
            () => api.UpdateComponentAsync(componentId, new ComponentStatusUpdate((int)status), cancellationToken),
            operation,
            cancellationToken);
        var applied = answer?.Data?.Status;
        if (applied != (int)status)
        {
            throw new CachetException(
                $"{operation}: Cachet answered but the status is {applied?.ToString() ?? "missing"}, not {(int)status}: not applied");
        }
    }
}
