using System.Collections.Concurrent;
using System.Net;

namespace CachetSync.Probing;

/// <summary>
/// Threads of their own for name lookups. getaddrinfo blocks the thread that calls it, and .NET calls it on the
/// thread pool: thousands of lookups at once there hold the very threads that should run the probes' answers, and a
/// fast server's answer then waits its turn in that queue, measured as the server's latency. Here a lookup blocks
/// one of these threads instead, never the pool. There are as many as <see cref="SetupGate"/> gives turns of either
/// kind (an HTTPS probe looks up its name too), so a probe holding a turn never waits for a thread. Started on first use.
/// </summary>
public sealed class LookupThreads(int count)
{
    private readonly BlockingCollection<(string Host, TaskCompletionSource<IPAddress[]> Answer, CancellationToken Wanted)> _queue = [];
    private readonly Lock _gate = new();
    private bool _started;

    /// <summary>An IP literal (brackets allowed) as it is; a name looked up on these threads.</summary>
    /// <exception cref="LookupAbandonedException">The token fired before a name's answer came.</exception>
    public async Task<IPAddress[]> AddressesOfAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await ResolveAsync(host, cancellationToken);

    /// <exception cref="LookupAbandonedException">The token fired before the answer came.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Start();
        var answer = new TaskCompletionSource<IPAddress[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add((host, answer, cancellationToken), cancellationToken);
            // getaddrinfo cannot be interrupted; a cancelled probe stops waiting for it, and the thread finishes alone.
            return await answer.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new LookupAbandonedException(host, cancellationToken);
        }
    }

    private void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            for (var i = 0; i < count; i++)
            {
                new Thread(Serve) { IsBackground = true, Name = $"lookup-{i}" }.Start();
            }
        }
    }

    private void Serve()
    {
        foreach (var (host, answer, wanted) in _queue.GetConsumingEnumerable())
        {
            // A probe that gave up while its lookup queued (a dead resolver keeps every thread here for seconds) wants
            // no answer: skipping it keeps the queue as long as the probes still waiting, not a backlog across cycles.
            if (wanted.IsCancellationRequested)
            {
                answer.TrySetCanceled(wanted);
                continue;
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
}
