namespace CachetSync.Cachet;

/// <summary>The fields of a Cachet incident that CachetSync reads. Status: 1 Investigating … 4 Fixed.</summary>
public sealed record CachetIncident(int Id, string? Name, int Status, int? ComponentId, string? Message)
{
    public const int Investigating = 1;
    public const int Fixed = 4;
}
