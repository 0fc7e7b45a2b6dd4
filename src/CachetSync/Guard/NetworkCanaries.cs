using CachetSync.Configuration;
using CachetSync.Probing;

namespace CachetSync.Guard;

/// <summary>
/// <c>Guard.Canaries</c>: a few targets outside the fleet (the gateway, the Cachet host, a public resolver), probed
/// with the fleet's own prober. Any answer at all — an HTTP error included — proves this machine can reach the
/// network; none answering means the prober itself is cut off, and nothing it saw says anything about the servers.
/// </summary>
public sealed class NetworkCanaries(GuardSettings settings, ServerProber prober)
{
    public bool Configured => settings.Canaries.Count > 0;

    /// <summary>Probes the canaries together and stops at the first that answers: a dead canary costs nothing then.</summary>
    /// <returns>Null when a canary answered (or none is configured); else which canary failed how.</returns>
    public async Task<string?> WhyBlindAsync(CancellationToken stopping)
    {
        if (!Configured)
        {
            return null;
        }

        using var answered = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var results = await prober.ProbeAllAsync(settings.Canaries, answered.Token, (_, result) =>
        {
            if (result.Kind == ProbeKind.Ok)
            {
                answered.Cancel();
            }
        });

        if (stopping.IsCancellationRequested || results.Any(result => result.Kind == ProbeKind.Ok))
        {
            return null;
        }

        var failures = settings.Canaries.Zip(results, (canary, result) => $"`{canary.Name}` {result.Kind} ({result.Detail})");
        return $"this machine cannot reach the network: canary {string.Join(", ", failures)}";
    }
}
