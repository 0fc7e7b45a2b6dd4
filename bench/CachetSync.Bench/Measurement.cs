namespace CachetSync.Bench;

/// <summary>One repetition of one scenario at one N: the first cycle (statuses all change from Operational) and a second with nothing to change.</summary>
/// <param name="WrongStatuses">After the first cycle, statuses unlike the mix's, of servers the app judged: what it got wrong.</param>
/// <param name="SecondCycleRewrites">
/// Components the second cycle wrote although the first had judged their servers: with nothing changed on the farm,
/// a flap (or the mending of a wrong status). Writes of servers the first cycle left not judged are not counted: that is their first say.
/// </param>
/// <param name="FarmStall">The target farm's longest stall during the first cycle (<see cref="StallMeter"/>): answers that late are the farm's.</param>
public sealed record Measurement(
    string Scenario, int Servers, RunCost First, int FirstCachetRequests, RunCost Second, int SecondCachetRequests, int WrongStatuses,
    int SecondCycleRewrites, TimeSpan FarmStall);
