using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Probing;

/// <summary>
/// Probes every server concurrently, at most <see cref="ProbeSettings.MaxConcurrency"/> at a time — fewer when the
/// open-file limit leaves room for fewer sockets. A stop request cancels the probes in flight; their results (and
/// those never started) say <see cref="ProbeKind.Stopped"/>.
/// </summary>
public sealed class ServerProber(HttpProber http, TcpProber tcp, ProbeSettings settings, ILogger<ServerProber> logger)
{
    private readonly int _concurrency = Budget(settings, logger);

    /// <param name="probed">Told each result (with the server's index) as soon as it is in, for work that need not wait for the slowest.</param>
    /// <returns>One result per server, in the order given.</returns>
    public async Task<ProbeResult[]> ProbeAllAsync(
        IReadOnlyList<ServerSettings> servers, CancellationToken cancellationToken, Action<int, ProbeResult>? probed = null)
    {
        var results = new ProbeResult[servers.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _concurrency };
        await Parallel.ForEachAsync(Enumerable.Range(0, servers.Count), options, async (index, _) =>
        {
            var url = servers[index].Url;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[index] = servers[index].IsTcp
                    ? await tcp.ProbeAsync(url, cancellationToken)
                    : await http.ProbeAsync(url, servers[index].VerifyTls ?? settings.VerifyTls, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                results[index] = ProbeResult.Failed(ProbeKind.Stopped, TimeSpan.Zero, "stopped before the probe finished");
            }

            probed?.Invoke(index, results[index]);
        });

        var local = results.Count(result => result.Kind == ProbeKind.NotProbed);
        if (local > 0)
        {
            logger.LogWarning(
                "{Count} probes could not be made: this machine ran out of sockets or open files (limit {Limit} in flight). Their statuses are left as they are",
                local, _concurrency);
        }

        return results;
    }

    private static int Budget(ProbeSettings settings, ILogger logger)
    {
        var softLimit = OpenFileLimit.RaiseToHardLimit();
        var budget = OpenFileLimit.ProbeBudget(settings.MaxConcurrency, softLimit, OpenFileLimit.OpenNow());
        if (budget < settings.MaxConcurrency)
        {
            logger.LogWarning(
                "Probe.MaxConcurrency {Configured} lowered to {Budget}: the open-file limit is {Limit} (ulimit -n). Raise it for cycles that wait out hanging servers together",
                settings.MaxConcurrency, budget, softLimit);
        }

        return budget;
    }
}
