using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>Probes every server concurrently, at most <see cref="ProbeSettings.MaxConcurrency"/> at a time.</summary>
public sealed class ServerProber(HttpProber http, TcpProber tcp, ProbeSettings settings)
{
    /// <returns>One result per server, in the order given.</returns>
    public async Task<ProbeResult[]> ProbeAllAsync(IReadOnlyList<ServerSettings> servers, CancellationToken cancellationToken)
    {
        var results = new ProbeResult[servers.Count];
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.MaxConcurrency,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, servers.Count), options, async (index, token) =>
        {
            var url = servers[index].Url;
            results[index] = servers[index].IsTcp
                ? await tcp.ProbeAsync(url, token)
                : await http.ProbeAsync(url, token);
        });
        return results;
    }
}
