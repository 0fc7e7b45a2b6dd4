namespace CachetSync.Probing;

/// <summary>
/// How probes are started: at most <see cref="Window"/> fresh ones at a time, a probe staying fresh until it answers
/// or has waited <see cref="Patience"/>; whatever the window, probe i of N started by
/// <c>Probe.Timeout × SpreadShare × i / N</c> — unless this process runs more than <see cref="LagLimit"/> late, then
/// not before it has caught up, and never later than <c>Probe.Timeout × LatestStartShare</c>.
/// </summary>
/// <remarks>
/// Measured in the benchmark (bench/results): starting all 10 000 probes at once made 4 096 connections at one instant,
/// overflowed the listen backlog of the farm behind one address and wrote ~100 false outages per cycle; a window
/// of 1 024 fresh probes wrote none, at the same wall time. 50 ms is longer than a loopback or LAN answer and short
/// against any timeout, so hanging servers stop holding slots almost at once.
/// <para>
/// With host names and TLS on 2 cores the launch itself saturated the machine — handshakes and
/// getaddrinfo calls queued the thread pool, and a probe started then measured that queue as the server's latency.
/// A probe is started only once this process keeps its own timers within <see cref="LagLimit"/> (100 ms: nothing
/// against a threshold of a second, well above a quiet machine's 1–2 ms; at 25 ms the benchmark started only 7 350 of
/// 10 000 probes while the lag hovered at 25–70 ms), so the CPU-heavy steps go no faster than the cores do them. Half a timeout is as late as a probe may start and the cycle still end within 1.5 timeouts;
/// one that could not start by then is not probed at all, saying why.
/// </para>
/// </remarks>
public sealed record ProbeLaunch(int Window, TimeSpan Patience, double SpreadShare, TimeSpan LagLimit, double LatestStartShare)
{
    public static readonly ProbeLaunch Default = new(1024, TimeSpan.FromMilliseconds(50), 0.1, TimeSpan.FromMilliseconds(100), 0.5);
}
