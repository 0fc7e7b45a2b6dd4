using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>
/// Probes every server concurrently, at most <see cref="ProbeSettings.MaxConcurrency"/> at a time. A stop request
/// cancels the probes in flight; their results (and those never started) say <see cref="ProbeKind.Stopped"/>.
/// </summary>
public sealed class ServerProber(HttpProber http, TcpProber tcp, ProbeSettings settings)
{
    /// <returns>One result per server, in the order given.</returns>
    public async Task<ProbeResult[]> ProbeAllAsync(IReadOnlyList<ServerSettings> servers, CancellationToken cancellationToken)
    {
        var results = new ProbeResult[servers.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency };
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
        });
        return results;
    }
}
