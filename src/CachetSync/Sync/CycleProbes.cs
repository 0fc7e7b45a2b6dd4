using System.Threading.Channels;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.State;

namespace CachetSync.Sync;

/// <summary>
/// A cycle's probes, started at once (they run while the cycle reads the report counts and Cachet) and handed on
/// as each comes in, with its server's index. A disabled server is handed on at once, as not probed; when no canary
/// answered, every server is, saying why. The servers the last cycles could not judge are probed first, oldest first,
/// and one not judged again says since when it has had no verdict.
/// </summary>
public sealed class CycleProbes
{
    /// <summary>What a server with <c>Enabled: false</c> is passed on as, probed or blind.</summary>
    private static readonly ProbeResult Disabled = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, "disabled in the configuration");

    private readonly Channel<(int Index, ProbeResult Probe)> _results =
        Channel.CreateUnbounded<(int Index, ProbeResult Probe)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _probing;

    private readonly IReadOnlyDictionary<string, UnjudgedServer> _unjudged;

    private CycleProbes(
        ServerProber prober, IReadOnlyList<ServerSettings> servers, string? blind, TimeSpan budget, IReadOnlyDictionary<string, UnjudgedServer> unjudged,
        CancellationToken stopping)
    {
        _unjudged = unjudged;
        _probing = blind is null ? ProbeAllAsync(prober, servers, budget, stopping) : NotProbed(servers, blind);
    }

    /// <param name="blind">Why this machine cannot see (no canary answered); null when it can.</param>
    /// <param name="budget">How long the probes may take (<see cref="ProbeSettings.BudgetFor"/>).</param>
    /// <param name="unjudged">The servers the last cycles could not judge (<see cref="SyncState.Unjudged"/>): probed first.</param>
    public static CycleProbes Start(
        ServerProber prober, IReadOnlyList<ServerSettings> servers, string? blind, TimeSpan budget, IReadOnlyDictionary<string, UnjudgedServer> unjudged,
        CancellationToken stopping) =>
        new(prober, servers, blind, budget, unjudged, stopping);

    /// <summary>Each result as it comes in; a prober that failed fails the enumeration instead of leaving it waiting.</summary>
    public async IAsyncEnumerable<(int Index, ProbeResult Probe)> ResultsAsync()
    {
        await foreach (var result in _results.Reader.ReadAllAsync(CancellationToken.None))
        {
            yield return result;
        }

        await _probing;
    }

    private async Task ProbeAllAsync(ServerProber prober, IReadOnlyList<ServerSettings> servers, TimeSpan budget, CancellationToken stopping)
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

            // Stable: the rest keep the configuration's order.
            var order = enabled.OrderBy(i => _unjudged.TryGetValue(servers[i].Name, out var unjudged) ? unjudged.Since : DateTimeOffset.MaxValue).ToList();
            await prober.ProbeAllAsync(
                order.ConvertAll(i => servers[i]), stopping, (k, result) => _results.Writer.TryWrite((order[k], Aged(servers[order[k]].Name, result))), budget);
            _results.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            // Passed on, so the cycle fails loudly instead of waiting for results that will never come.
            _results.Writer.TryComplete(ex);
        }
    }

    /// <summary>A server not judged again says how old its last verdict is.</summary>
    private ProbeResult Aged(string name, ProbeResult result) =>
        result.IsNotJudged && _unjudged.TryGetValue(name, out var before)
            ? result with { Detail = $"{result.Detail}; no verdict for {Output.Counted.Of(before.Cycles + 1, "cycle")} in a row (since {before.Since:u})" }
            : result;

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
