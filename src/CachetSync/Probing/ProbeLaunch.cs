namespace CachetSync.Probing;

/// <summary>
/// How probes are started: a <see cref="LaunchWindow"/> of fresh ones, first <see cref="FirstWindow"/> wide, a probe
/// staying fresh until it answers or has waited <see cref="Patience"/>; and none while this process runs more than
/// <see cref="LagLimit"/> late. A probe that has no turn by the cycle's budget less one timeout is not probed, saying why.
/// </summary>
/// <remarks>
/// Measured in the benchmark (bench/results): starting all 10 000 probes at once made 4 096 connections at one instant,
/// overflowed the listen backlog of the farm behind one address and wrote ~100 false outages per cycle; a window
/// of 1 024 fresh probes wrote none, at the same wall time. 50 ms is longer than a loopback or LAN answer and short
/// against any timeout, so hanging servers stop holding slots almost at once. The window now starts at 64 and grows
/// by one for every probe that leaves it on time: past 1 024 within half a second on a calm machine.
/// <para>
/// With host names and TLS on 2 cores the launch itself saturated the machine — handshakes and
/// getaddrinfo calls queued the thread pool, and a probe started then measured that queue as the server's latency.
/// A probe is started only once this process keeps its own timers within <see cref="LagLimit"/> (100 ms: nothing
/// against a threshold of a second, well above a quiet machine's 1–2 ms; at 25 ms the benchmark started only 7 350 of
/// 10 000 probes while the lag hovered at 25–70 ms), so the CPU-heavy steps go no faster than the cores do them.
/// </para>
/// </remarks>
public sealed record ProbeLaunch(int FirstWindow, TimeSpan Patience, TimeSpan LagLimit)
{
    public static readonly ProbeLaunch Default = new(64, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
}
