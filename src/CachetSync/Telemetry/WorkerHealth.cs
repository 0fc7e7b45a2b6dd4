using System.Globalization;
using CachetSync.Configuration;

namespace CachetSync.Telemetry;

/// <summary>
/// Whether the worker is doing its job, for Kubernetes' probes. Alive: a cycle finished within two schedule
/// intervals (the second occurrence after the last finish, or after start, has not passed) — a worker whose cycle
/// hangs is restarted. Ready: a cycle has finished, so its metrics describe the fleet, and the worker is not stopping.
/// A cycle that found Cachet down still counts as finished: restarting the pod would not bring Cachet back.
/// </summary>
public sealed class WorkerHealth(ScheduleSettings schedule, TimeProvider time)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastFinished;
    private bool _stopping;

    public void CycleFinished()
    {
        lock (_gate)
        {
            _lastFinished = time.GetUtcNow();
        }
    }

    public void Stopping()
    {
        lock (_gate)
        {
            _stopping = true;
        }
    }

    public (bool Alive, string Reason) Liveness()
    {
        DateTimeOffset? finished;
        lock (_gate)
        {
            finished = _lastFinished;
        }

        var since = finished ?? _started;
        var what = finished is null ? $"started {Text(since)}, no cycle finished yet" : $"last cycle finished {Text(since)}";
        if (Next(since) is not { } first || Next(first) is not { } second)
        {
            return (true, $"{what}; the schedule has no further occurrence");
        }

        return time.GetUtcNow() <= second
            ? (true, what)
            : (false, $"{what}; cycles were due {Text(first)} and {Text(second)}: the worker is stuck");
    }

    public (bool Ready, string Reason) Readiness()
    {
        lock (_gate)
        {
            return _stopping ? (false, "stopping")
                : _lastFinished is { } finished ? (true, $"last cycle finished {Text(finished)}")
                : (false, "no cycle finished yet: the metrics describe nothing");
        }
    }

    private DateTimeOffset? Next(DateTimeOffset from) => schedule.Cron.GetNextOccurrence(from, schedule.TimeZone);

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
