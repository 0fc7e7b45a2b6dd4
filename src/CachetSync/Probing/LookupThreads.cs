using System.Collections.Concurrent;
using System.Net;

namespace CachetSync.Probing;

/// <summary>
/// Threads of their own for name lookups. getaddrinfo blocks the thread that calls it, and .NET calls it on the
/// thread pool: thousands of lookups at once there hold the very threads that should run the probes' answers, and a
/// fast server's answer then waits its turn in that queue, measured as the server's latency. Here a lookup blocks
/// one of these threads instead, never the pool. At most as many as <see cref="SetupGate"/> gives turns of either
/// kind (an HTTPS probe looks up its name too), so a probe holding a turn never waits for a thread; started only as
/// lookups wait, and each ends after <see cref="IdleEnd"/> with nothing to do, so a worker between cycles keeps none.
/// </summary>
public sealed class LookupThreads(int most)
{
    /// <summary>Longer than the gap between one cycle's lookups, far shorter than any schedule's interval.</summary>
    private static readonly TimeSpan IdleEnd = TimeSpan.FromSeconds(2);

    private readonly BlockingCollection<(string Host, TaskCompletionSource<IPAddress[]> Answer, CancellationToken Wanted)> _queue = [];
    private readonly Lock _gate = new();
    private int _threads;
    private int _idle;

    /// <summary>How many lookup threads are alive now.</summary>
    public int Alive
    {
        get
        {
            lock (_gate)
            {
                return _threads;
            }
        }
    }

    /// <summary>An IP literal (brackets allowed) as it is; a name looked up on these threads.</summary>
    /// <exception cref="LookupAbandonedException">The token fired before a name's answer came.</exception>
    public async Task<IPAddress[]> AddressesOfAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await ResolveAsync(host, cancellationToken);

    /// <exception cref="LookupAbandonedException">The token fired before the answer came.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<IPAddress[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add((host, answer, cancellationToken), cancellationToken);
            Grow();
            // getaddrinfo cannot be interrupted; a cancelled probe stops waiting for it, and the thread finishes alone.
            return await answer.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new LookupAbandonedException(host, cancellationToken);
        }
    }

    /// <summary>One more thread when every living one is busy and the queue waits, up to the bound.</summary>
    private void Grow()
    {
        lock (_gate)
        {
            if (_idle < _queue.Count && _threads < most)
            {
                _threads++;
                new Thread(Serve) { IsBackground = true, Name = "lookup" }.Start();
            }
        }
    }

    private void Serve()
    {
        while (true)
        {
            lock (_gate)
            {
                _idle++;
            }

            var took = _queue.TryTake(out var lookup, IdleEnd);
            lock (_gate)
            {
                _idle--;
                if (!took)
                {
                    // Rechecked under the lock Grow takes: a lookup queued as this thread gave up is never left without one.
                    if (_queue.Count == 0)
                    {
                        _threads--;
                        return;
                    }

                    continue;
                }
            }

            Resolve(lookup.Host, lookup.Answer, lookup.Wanted);
        }
    }

    private static void Resolve(string host, TaskCompletionSource<IPAddress[]> answer, CancellationToken wanted)
    {
        // A probe that gave up while its lookup queued (a dead resolver keeps every thread here for seconds) wants
        // no answer: skipping it keeps the queue as long as the probes still waiting, not a backlog across cycles.
        if (wanted.IsCancellationRequested)
        {
            answer.TrySetCanceled(wanted);
            return;
        }

        try
        {
            answer.TrySetResult(Dns.GetHostAddresses(host));
        }
        catch (Exception ex)
        {
            answer.TrySetException(ex);
        }
    }
}
