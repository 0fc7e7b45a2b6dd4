namespace CachetSync.Bench;

/// <summary>Issue 42's targets on a 2-core machine with the farm on the same cores: at N servers, the first cycle's wall time and peak memory.</summary>
public sealed record Target(int Servers, double WallSeconds, double RssMiB)
{
    /// <summary>In every row: servers not judged, of all the repetitions' servers.</summary>
    public const double MostNotJudged = 0.001;

    public static readonly Target[] All = [new(100_000, 60, 400)];
}
