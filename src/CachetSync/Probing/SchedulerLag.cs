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

    private SchedulerLag()
    {
        _timer = new Timer(_ => Tick(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public static SchedulerLag Start()
    {
        var lag = new SchedulerLag();
        lag.Arm();
        return lag;
    }

    /// <summary>The worst lag seen between two timestamps (<see cref="Stopwatch.GetTimestamp"/>), a timer still waiting included.</summary>
    public TimeSpan WorstBetween(long from, long to)
    {
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

            // A callback that has not run yet is the lag now, and growing.
            if (!_stopped && _armedFor < to)
            {
                worst = Math.Max(worst, Math.Min(to, Stopwatch.GetTimestamp()) - _armedFor);
            }
        }

        return Stopwatch.GetElapsedTime(0, Math.Max(0, worst));
    }

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
