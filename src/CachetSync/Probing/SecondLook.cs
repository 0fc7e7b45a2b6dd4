using System.Threading.Channels;

namespace CachetSync.Probing;

/// <summary>
/// A second look at every answer judged worse by its latency alone: the server is probed once more as soon as this
/// cycle's own burst is over (every probe started, the machine's timers on time again, no lookup or handshake
/// waiting), and the second answer decides. Runs beside the probes still waiting for hanging servers, so it costs
/// the cycle nothing when there are any.
/// </summary>
/// <remarks>
/// Measured in the benchmark (bench/results): with thousands of connections in half a second, a fast server's listen queue
/// — on loopback, one queue for the whole farm — overflows and its connect waits out a SYN retransmission (1–2 s),
/// or the prober's own thread pool queues the answer. Neither says anything about the server. (A timeout after such a
/// connect needs no second look: the server gets its whole timeout from the connection, see <see cref="HttpProber"/>.) A server that is
/// slow is slow again when the machine is calm; one that was slow only by this machine's burst is not. An answer
/// slow again by no more than this machine's own scheduler lag was never measured fairly and is not judged at all.
/// </remarks>
internal sealed class SecondLook
{
    private readonly Channel<(int Index, ProbeResult First)> _queue = Channel.CreateUnbounded<(int, ProbeResult)>();
    private readonly TaskCompletionSource _launched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<int, ProbeResult, Task<(ProbeResult Result, bool Lagged)>> _probe;
    private readonly Action<int, ProbeResult> _finish;
    private readonly Func<bool> _calm;
    private readonly int _concurrency;
    private readonly Task _work;
    private volatile bool _allIn;
    private int _count;

    /// <param name="probe">
    /// Probes server i again, giving up soon after the first answer's latency, and says whether it (or, timed out,
    /// the first answer) was slow only by the lag meanwhile.
    /// </param>
    /// <param name="finish">Given the deciding result of server i.</param>
    /// <param name="calm">Whether this machine is calm now.</param>
    public SecondLook(Func<int, ProbeResult, Task<(ProbeResult Result, bool Lagged)>> probe, Action<int, ProbeResult> finish, Func<bool> calm, int concurrency)
    {
        _probe = probe;
        _finish = finish;
        _calm = calm;
        _concurrency = concurrency;
        _work = RunAsync();
    }

    /// <summary>How many servers were given a second look.</summary>
    public int Count => _count;

    public void Add(int index, ProbeResult first)
    {
        Interlocked.Increment(ref _count);
        _queue.Writer.TryWrite((index, first));
    }

    /// <summary>Every probe of the cycle has started (or never will).</summary>
    public void Launched() => _launched.TrySetResult();

    /// <summary>Every first answer is in: what is queued is looked at (calm or not, it is as calm as it gets), then done.</summary>
    public Task CompleteAsync()
    {
        _allIn = true;
        _launched.TrySetResult();
        _queue.Writer.TryComplete();
        return _work;
    }

    private async Task RunAsync()
    {
        await _launched.Task;
        while (!_allIn && !_calm())
        {
            await Task.Delay(SchedulerLag.Interval / 4);
        }

        using var slots = new SemaphoreSlim(_concurrency);
        var looks = new List<Task>();
        await foreach (var (index, first) in _queue.Reader.ReadAllAsync())
        {
            await slots.WaitAsync();
            looks.Add(LookAgainAsync(index, first, slots));
        }

        await Task.WhenAll(looks);
    }

    private async Task LookAgainAsync(int index, ProbeResult first, SemaphoreSlim slots)
    {
        try
        {
            var (again, lagged) = await _probe(index, first);
            _finish(index, Decide(first, again, lagged));
        }
        finally
        {
            slots.Release();
        }
    }

    private static ProbeResult Decide(ProbeResult first, ProbeResult again, bool lagged) => again.Kind switch
    {
        _ when lagged => ProbeResult.NotJudged(again.Latency,
            $"slow only while this machine itself ran late ({first.Latency.TotalMilliseconds:0} ms, then {again.Latency.TotalMilliseconds:0} ms, under scheduler lag)"),
        ProbeKind.Stopped or ProbeKind.NotProbed => again,
        // No sooner this time: at least as slow as the first answer said.
        ProbeKind.Timeout => first with { Detail = $"{first.Detail} (probed again once this machine's burst of probes was over: no answer sooner)" },
        _ => again with { Detail = $"{again.Detail} (probed again once this machine's burst of probes was over: the first answer took {first.Latency.TotalMilliseconds:0} ms)" },
    };
}
