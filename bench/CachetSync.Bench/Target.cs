namespace CachetSync.Bench;

/// <summary>The performance targets for one N: medians of the first (writing) cycle, and the quiet second cycle's Cachet calls.</summary>
public sealed record Target(int Servers, double WallSeconds, double CpuSeconds, double RssMiB, int QuietCachetCalls)
{
    public static readonly Target[] All = [new(1_000, 5.2, 0.2, 40, 1), new(10_000, 5.5, 1.0, 80, 10)];
}
