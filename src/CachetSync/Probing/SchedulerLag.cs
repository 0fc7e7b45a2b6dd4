using System.Diagnostics;

namespace CachetSync.Probing;

/// <summary>
/// How late this process runs what it is told to run: a timer armed every <see cref="Interval"/> notes how much
/// later than due its callback ran. Thousands of TLS handshakes and name lookups on two cores queue the thread pool,
/// and then a fast server's answer waits in that queue too: its measured latency is the prober's own. A probe that
/// looks slow only by as much as the lag during it says nothing about the server.
/// </summary>
/// <remarks>Runs only while a batch of probes does (<see cref="Start"/> … Dispose): an idle worker pays nothing.</remarks>
public sealed class SchedulerLag : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>About 80 s of samples: longer than any probe may take.</summary>
    private const int Capacity = 4096;

    private readonly (long Due, long Ran)[] _samples = new (long, long)[Capacity];
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private long _armedFor;
    private int _count;
    private bool _stopped;

    /// <summary>Set for a machine made up by a test: always this late, measured by no timer.</summary>
    private readonly TimeSpan? _constant;

    private SchedulerLag(TimeSpan? constant)
    {
        _constant = constant;
        _timer = new Timer(_ => Tick(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public static SchedulerLag Start()
    {
        var lag = new SchedulerLag(null);
        lag.Arm();
        return lag;
    }

    /// <summary>A machine that always runs <paramref name="lag"/> late: what a test gives the prober to see it judge nothing under lag.</summary>
    public static SchedulerLag Constant(TimeSpan lag) => new(lag);

    /// <summary>How late this process runs now: the last timer's lag, or the waiting timer's if it is already later.</summary>
    public TimeSpan Now
    {
        get
        {
            if (_constant is { } constant)
            {
                return constant;
            }

            lock (_gate)
            {
                long last = 0;
                if (_count > 0)
                {
                    var (due, ran) = _samples[(_count - 1) % Capacity];
                    last = ran - due;
                }

                return Stopwatch.GetElapsedTime(0, Math.Max(0, Math.Max(last, OverdueAt(Stopwatch.GetTimestamp()))));
            }
        }
    }

    /// <summary>
    /// Waits until this process runs no more than <paramref name="limit"/> late, for at most <paramref name="within"/>.
    /// </summary>
    /// <returns>False when the lag never came down in time.</returns>
    public async Task<bool> WaitUntilAtMostAsync(TimeSpan limit, TimeSpan within, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(Math.Max(0, within.TotalSeconds) * Stopwatch.Frequency);
        while (Now > limit)
        {
            if (Stopwatch.GetTimestamp() >= until)
            {
                return false;
            }

            // Short against the lag it waits out; each wait gives the busy work the CPU it lacks.
            await Task.Delay(Interval / 4, cancellationToken);
        }

        return true;
    }

    /// <summary>The worst lag seen between two timestamps (<see cref="Stopwatch.GetTimestamp"/>), a timer still waiting included.</summary>
    public TimeSpan WorstBetween(long from, long to)
    {
        if (_constant is { } constant)
        {
            return constant;
        }

        long worst = 0;
        lock (_gate)
        {
            var start = Math.Max(0, _count - Capacity);
            for (var i = _count - 1; i >= start; i--)
            {
                var (due, ran) = _samples[i % Capacity];
                if (ran < from)
                {
                    break;
                }

                if (due <= to)
                {
                    worst = Math.Max(worst, ran - due);
                }
            }

            if (_armedFor < to)
            {
                worst = Math.Max(worst, OverdueAt(Math.Min(to, Stopwatch.GetTimestamp())));
            }
        }

        return Stopwatch.GetElapsedTime(0, Math.Max(0, worst));
    }

    /// <summary>How late the timer still waiting is at <paramref name="moment"/>: a callback that has not run yet is lag too, and growing. Under the lock.</summary>
    private long OverdueAt(long moment) => _stopped ? 0 : moment - _armedFor;

    private void Arm()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _armedFor = Stopwatch.GetTimestamp() + (long)(Interval.TotalSeconds * Stopwatch.Frequency);
            _timer.Change(Interval, Timeout.InfiniteTimeSpan);
        }
    }

    private void Tick()
    {
        var ran = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _samples[_count % Capacity] = (_armedFor, ran);
            _count++;
        }

        Arm();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        _timer.Dispose();
    }
}
