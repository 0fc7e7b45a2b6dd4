namespace CachetSync.Probing;

/// <summary>
/// How probes are started: at most <see cref="Window"/> fresh ones at a time, a probe staying fresh until it answers
/// or has waited <see cref="Patience"/>; and whatever the window, probe i of N started by
/// <c>Probe.Timeout × SpreadShare × i / N</c>.
/// </summary>
/// <remarks>
/// Measured in bench/results (issue 14): starting all 10 000 probes at once made 4 096 connections at one instant,
/// overflowed the listen backlog of the farm behind one address and wrote ~100 false outages per cycle; a window
/// of 1 024 fresh probes wrote none, at the same wall time. 50 ms is longer than a loopback or LAN answer and short
/// against any timeout, so hanging servers stop holding slots almost at once.
/// </remarks>
public sealed record ProbeLaunch(int Window, TimeSpan Patience, double SpreadShare)
{
    public static readonly ProbeLaunch Default = new(1024, TimeSpan.FromMilliseconds(50), 0.1);
}
