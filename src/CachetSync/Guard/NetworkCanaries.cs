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
/// <remarks>
/// A canary whose name the resolver says does not exist (NXDOMAIN) is a configuration mistake, not blindness: the
/// resolver answered, so the network reached it. Such a canary proves nothing more and is said as a problem of its
/// own (the cycle goes on, and fails so someone fixes it); the example's made-up canaries once made every laptop
/// say "this machine cannot reach the network".
/// </remarks>
public sealed class NetworkCanaries(GuardSettings settings, ServerProber prober)
{
    public bool Configured => settings.Canaries.Count > 0;

    /// <param name="Blind">Why this machine cannot see (no canary got an answer); null when it can.</param>
    /// <param name="Misconfigured">Canaries that do not exist, with what to do; null when there are none.</param>
    public sealed record Verdict(string? Blind, string? Misconfigured);

    /// <summary>Probes the canaries together and stops at the first that answers: a dead canary costs nothing then.</summary>
    public async Task<Verdict> CheckAsync(CancellationToken stopping)
    {
        if (!Configured)
        {
            return new Verdict(null, null);
        }

        using var answered = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var results = await prober.ProbeAllAsync(settings.Canaries, answered.Token, (_, result) =>
        {
            if (Answered(result))
            {
                answered.Cancel();
            }
        });

        var missing = settings.Canaries.Zip(results).Where(pair => pair.Second.IsNoSuchName).Select(pair => $"`{pair.First.Name}`").ToList();
        var misconfigured = missing.Count == 0 ? null
            : $"{(missing.Count == 1 ? "canary" : "canaries")} {string.Join(", ", missing)} {(missing.Count == 1 ? "does" : "do")} not exist (NXDOMAIN): " +
              "set Guard.Canaries to hosts outside the fleet that this machine should always reach";
        if (stopping.IsCancellationRequested || results.Any(result => Answered(result) || result.IsNoSuchName))
        {
            return new Verdict(null, misconfigured);
        }

        var failures = settings.Canaries.Zip(results, (canary, result) => $"`{canary.Name}` {result.Kind} ({result.Detail})");
        return new Verdict($"this machine cannot reach the network: canary {string.Join(", ", failures)}", misconfigured);
    }

    /// <summary>Something came back from the canary's host: the network carried a packet there and back.</summary>
    public static bool Answered(ProbeResult result) =>
        result.Kind is ProbeKind.Ok or ProbeKind.TlsFailure or ProbeKind.ConnectionRefused or ProbeKind.ConnectionReset or ProbeKind.ProtocolError;
}
