using System.Diagnostics;

namespace CachetSync.Probing;

/// <summary>
/// How many fresh probes (started, not yet answered, younger than <see cref="ProbeLaunch.Patience"/>) may be under
/// way at once. It adapts as TCP's congestion window does: one more for each probe that leaves the window while this
/// process keeps its timers, half as many when it does not or when a connect waited out a SYN retransmission (a
/// listen queue overflowed, perhaps by this burst) — at most once per <see cref="ProbeLaunch.LagLimit"/>, as TCP
/// halves once per round trip, not once per lost packet.
/// </summary>
/// <remarks>
/// A fixed window (1 024) was right for one machine and one farm; the lag is what tells this machine's own limit.
/// Only the launch loop waits here, one probe at a time, so one waiter is all there is.
/// </remarks>
public sealed class LaunchWindow(int first, int most, TimeSpan cutEvery)
{
    /// <summary>However late this process runs, this many fresh probes may still be under way: a cycle never stalls.</summary>
    public const int Least = 4;

    private readonly Lock _gate = new();
    private int _size = Math.Clamp(first, 1, most);
    private int _held;
    private long? _cutAt;
    private TaskCompletionSource? _waiter;

    public int Size
    {
        get
        {
            lock (_gate)
            {
                return _size;
            }
        }
    }

    /// <returns>False when no slot came within <paramref name="longest"/>.</returns>
    public async Task<bool> WaitAsync(TimeSpan longest, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_held < _size)
            {
                _held++;
                return true;
            }

            waiter = _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            await waiter.Task.WaitAsync(longest > TimeSpan.Zero ? longest : TimeSpan.Zero, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                if (waiter.Task.IsCompleted)
                {
                    // Granted as it gave up: the slot goes back.
                    _held--;
                }

                _waiter = null;
                waiter.TrySetCanceled();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    /// <param name="keptTime">Whether this process kept its timers meanwhile (its lag within the limit).</param>
    public void Release(bool keptTime)
    {
        lock (_gate)
        {
            _held--;
            if (keptTime)
            {
                _size = Math.Min(most, _size + 1);
            }
            else
            {
                Cut();
            }

            if (_waiter is { } waiter && _held < _size)
            {
                _held++;
                _waiter = null;
                waiter.TrySetResult();
            }
        }
    }

    /// <summary>
    /// A connect waited out a SYN retransmission: a listen queue overflowed, perhaps by this burst. Only a probe
    /// started after the last cut says anything about the window as it is now (TCP's rule after a loss too): the
    /// late connects of one overflow come in for a second after it, and each cutting again shrank the window to its
    /// least and 10 000 second looks to 80 a second.
    /// </summary>
    /// <param name="startedAt">When the probe started (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public void Congested(long startedAt)
    {
        lock (_gate)
        {
            if (_cutAt is not { } cutAt || startedAt > cutAt)
            {
                Cut();
            }
        }
    }

    private void Cut()
    {
        if (_cutAt is not { } cutAt || Stopwatch.GetElapsedTime(cutAt) >= cutEvery)
        {
            _size = Math.Max(Math.Min(Least, most), _size / 2);
            _cutAt = Stopwatch.GetTimestamp();
        }
    }
}
