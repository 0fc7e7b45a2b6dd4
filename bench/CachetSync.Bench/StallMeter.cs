using System.Diagnostics;

namespace CachetSync.Bench;

/// <summary>
/// How late the farm runs what it was given: every 50 ms a dedicated thread queues a stamped item the way a socket's
/// completion reaches the farm (through the thread pool, and for the single-thread farm on to its loop), and the
/// longest wait until it ran is kept. A farm that stalls — its thread or the pool starved of a core, or this
/// process's GC — answers late however well the prober judges, so a run's wrong statuses are read beside its worst stall.
/// </summary>
public sealed class StallMeter : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(50);
    private readonly Action<Action> _queue;
    private readonly Thread _stamper;
    private readonly CancellationTokenSource _stop = new();
    private long _worstTicks;

    /// <param name="queue">Runs an action where the farm runs its work.</param>
    public StallMeter(Action<Action> queue)
    {
        _queue = queue;
        // Not a Timer: its callbacks run on the thread pool, whose own starvation is part of what is measured.
        _stamper = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(Every))
            {
                Stamp();
            }
        }) { IsBackground = true, Name = "farm-stall-meter" };
        _stamper.Start();
    }

    /// <summary>The longest wait since the last call, and a fresh start.</summary>
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

    public void Dispose()
    {
        _stop.Cancel();
        _stamper.Join();
        _stop.Dispose();
    }
}
