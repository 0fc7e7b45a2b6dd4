using System.Threading.Channels;
using CachetSync.Configuration;
using CachetSync.Probing;

namespace CachetSync.Sync;

/// <summary>
/// A cycle's probes, started at once (they run while the cycle reads the report counts and Cachet) and handed on
/// as each comes in, with its server's index. A disabled server is handed on at once, as not probed; when no canary
/// answered, every server is, saying why.
/// </summary>
public sealed class CycleProbes
{
    /// <summary>What a server with <c>Enabled: false</c> is passed on as, probed or blind.</summary>
    private static readonly ProbeResult Disabled = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, "disabled in the configuration");

    private readonly Channel<(int Index, ProbeResult Probe)> _results =
        Channel.CreateUnbounded<(int Index, ProbeResult Probe)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _probing;

    private CycleProbes(ServerProber prober, IReadOnlyList<ServerSettings> servers, string? blind, CancellationToken stopping) =>
        _probing = blind is null ? ProbeAllAsync(prober, servers, stopping) : NotProbed(servers, blind);

    /// <param name="blind">Why this machine cannot see (no canary answered); null when it can.</param>
    public static CycleProbes Start(ServerProber prober, IReadOnlyList<ServerSettings> servers, string? blind, CancellationToken stopping) =>
        new(prober, servers, blind, stopping);

    /// <summary>Each result as it comes in; a prober that failed fails the enumeration instead of leaving it waiting.</summary>
    public async IAsyncEnumerable<(int Index, ProbeResult Probe)> ResultsAsync()
    {
        await foreach (var result in _results.Reader.ReadAllAsync(CancellationToken.None))
        {
            yield return result;
        }

        await _probing;
    }

    private async Task ProbeAllAsync(ServerProber prober, IReadOnlyList<ServerSettings> servers, CancellationToken stopping)
    {
        using var activity = Telemetry.CycleTelemetry.Tracing.StartActivity("cachetsync.probes");
        activity?.SetTag("cachetsync.servers", servers.Count);
        try
        {
            var enabled = new List<int>(servers.Count);
            for (var i = 0; i < servers.Count; i++)
            {
                if (servers[i].Enabled)
                {
                    enabled.Add(i);
                }
                else
                {
                    _results.Writer.TryWrite((i, Disabled));
                }
            }

            await prober.ProbeAllAsync(enabled.ConvertAll(i => servers[i]), stopping, (k, result) => _results.Writer.TryWrite((enabled[k], result)));
            _results.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            // Passed on, so the cycle fails loudly instead of waiting for results that will never come.
            _results.Writer.TryComplete(ex);
        }
    }

    private Task NotProbed(IReadOnlyList<ServerSettings> servers, string blind)
    {
        var notProbed = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, blind);
        for (var i = 0; i < servers.Count; i++)
        {
            _results.Writer.TryWrite((i, servers[i].Enabled ? notProbed : Disabled));
        }

        _results.Writer.TryComplete();
        return Task.CompletedTask;
    }
}
