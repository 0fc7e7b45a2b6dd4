using System.Globalization;
using CachetSync.Configuration;

namespace CachetSync.Telemetry;

/// <summary>
/// Whether the worker is doing its job, for Kubernetes' probes. Alive: a cycle finished within two schedule
/// intervals (the second occurrence after the last finish, or after start, has not passed) — a worker whose cycle
/// hangs is restarted. Ready: a cycle has finished, so its metrics describe the fleet, and the worker is not stopping.
/// A cycle that found Cachet down still counts as finished: restarting the pod would not bring Cachet back.
/// The two intervals are named by the wall clock at the finish and measured on the monotonic one: a wall clock stepped
/// forward (NTP, a VM restored) must not make a working worker look stuck and get it restarted.
/// </summary>
public sealed class WorkerHealth(ScheduleSettings schedule, TimeProvider time)
{
    private readonly Moment _started = Moment.Now(time);
    private readonly Lock _gate = new();
    private Moment? _lastFinished;
    private bool _stopping;

    /// <summary>A point in time on both clocks: the wall clock's to name it, the monotonic one's to measure from it.</summary>
    private readonly record struct Moment(DateTimeOffset At, long Timestamp)
    {
        public static Moment Now(TimeProvider time) => new(time.GetUtcNow(), time.GetTimestamp());
    }

    public void CycleFinished()
    {
        lock (_gate)
        {
            _lastFinished = Moment.Now(time);
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
        Moment? finished;
        lock (_gate)
        {
            finished = _lastFinished;
        }

        var since = finished ?? _started;
        var what = finished is null ? $"started {Text(since.At)}, no cycle finished yet" : $"last cycle finished {Text(since.At)}";
        if (Next(since.At) is not { } first || Next(first) is not { } second)
        {
            return (true, $"{what}; the schedule has no further occurrence");
        }

        return time.GetElapsedTime(since.Timestamp) <= second - since.At
            ? (true, what)
            : (false, $"{what}; cycles were due {Text(first)} and {Text(second)}: the worker is stuck");
    }

    public (bool Ready, string Reason) Readiness()
    {
        lock (_gate)
        {
            return _stopping ? (false, "stopping")
                : _lastFinished is { } finished ? (true, $"last cycle finished {Text(finished.At)}")
                : (false, "no cycle finished yet: the metrics describe nothing");
        }
    }

    private DateTimeOffset? Next(DateTimeOffset from) => schedule.Cron.GetNextOccurrence(from, schedule.TimeZone);

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
