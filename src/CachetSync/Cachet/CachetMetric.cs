namespace CachetSync.Cachet;

/// <summary>The fields of a Cachet metric that CachetSync reads. CalcType 0 sums points, 1 averages them.</summary>
public sealed record CachetMetric(int Id, string Name, int CalcType)
{
    public const int Sum = 0;
    public const int Average = 1;
}
