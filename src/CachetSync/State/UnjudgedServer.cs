namespace CachetSync.State;

/// <summary>
/// A server the last cycles could not judge (<see cref="Probing.ProbeResult.IsNotJudged"/>), by name: since the start
/// of the first such cycle in a row, and in how many. The next cycle probes it first, so an overloaded run judges
/// every server in turn instead of leaving the end of the list behind cycle after cycle.
/// </summary>
public sealed record UnjudgedServer(DateTimeOffset Since, int Cycles);
