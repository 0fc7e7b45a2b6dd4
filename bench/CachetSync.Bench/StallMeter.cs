using System.Diagnostics;

namespace CachetSync.Bench;

/// <summary>
/// How late the farm runs what it was given: every 50 ms a stamped item is queued where the farm's own work queues
/// (its one loop thread, or the thread pool), and the longest wait until it ran is kept. A farm that stalls — its
/// thread starved of a core, or this process's GC — answers late however well the prober judges, so a run's wrong
/// statuses are read beside its worst stall.
/// </summary>
public sealed class StallMeter : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(50);
    private readonly Action<Action> _queue;
    private readonly Timer _timer;
    private long _worstTicks;

    /// <param name="queue">Runs an action where the farm runs its work.</param>
    public StallMeter(Action<Action> queue)
    {
        _queue = queue;
        _timer = new Timer(_ => Stamp(), null, Every, Every);
    }

    /// <summary>The longest wait since the last call (less the tick itself), and a fresh start.</summary>
    public TimeSpan TakeWorst() => TimeSpan.FromTicks(Interlocked.Exchange(ref _worstTicks, 0));

    private void Stamp()
    {
        var queued = Stopwatch.GetTimestamp();
        _queue(() =>
        {
            var waited = Stopwatch.GetElapsedTime(queued).Ticks;
            long worst;
            while (waited > (worst = Interlocked.Read(ref _worstTicks)) && Interlocked.CompareExchange(ref _worstTicks, waited, worst) != worst)
            {
            }
        });
    }

    public void Dispose() => _timer.Dispose();
}
