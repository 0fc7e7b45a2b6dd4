namespace CachetSync.Bench;

/// <summary>One repetition at one N: the first cycle (statuses all change from Operational) and a second with nothing to change.</summary>
public sealed record Measurement(int Servers, RunCost First, int FirstCachetRequests, RunCost Second, int SecondCachetRequests, int WrongStatuses);
