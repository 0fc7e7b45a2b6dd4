namespace CachetSync.Probing;

/// <summary>
/// A name lookup the probe stopped waiting for (its deadline, or the cycle stopping): still an
/// <see cref="OperationCanceledException"/>, so a stopping cycle ends as before, but one a prober can tell from a
/// server that did not answer — a resolver silent for a whole timeout is this machine's fault.
/// </summary>
public sealed class LookupAbandonedException(string host, CancellationToken token)
    : OperationCanceledException($"the lookup of {host} was given up on", token)
{
    public string Host { get; } = host;
}
