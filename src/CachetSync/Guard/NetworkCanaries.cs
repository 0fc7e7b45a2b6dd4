using CachetSync.Configuration;
using CachetSync.Probing;

namespace CachetSync.Guard;

/// <summary>
/// <c>Guard.Canaries</c>: a few targets outside the fleet (the gateway, the Cachet host, a public resolver), probed
/// with the fleet's own prober. Any answer at all proves this machine can reach the network: an HTTP error, a TLS
/// handshake that fails on the certificate, a refused connection or a reset all came back from the canary's host.
/// Only nothing coming back (a timeout, an unreachable network, a dead resolver) means the prober itself is cut off,
/// and then nothing it saw says anything about the servers. An answering canary proves only that: it says nothing
/// about this machine's path to the fleet, so it never confirms a mass change (<see cref="MassChangeGuard"/>).
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
            if (Answered(result))
            {
                answered.Cancel();
            }
        });

        if (stopping.IsCancellationRequested || results.Any(Answered))
        {
            return null;
        }

        var failures = settings.Canaries.Zip(results, (canary, result) => $"`{canary.Name}` {result.Kind} ({result.Detail})");
        return $"this machine cannot reach the network: canary {string.Join(", ", failures)}";
    }

    /// <summary>Something came back from the canary's host: the network carried a packet there and back.</summary>
    public static bool Answered(ProbeResult result) =>
        result.Kind is ProbeKind.Ok or ProbeKind.TlsFailure or ProbeKind.ConnectionRefused or ProbeKind.ConnectionReset or ProbeKind.ProtocolError;
}
