namespace CachetSync.Cachet;

/// <summary>The fields of a Cachet component that CachetSync reads (the API sends more).</summary>
/// <param name="UnderMaintenance">Cachet 3 only: the component's own status is "Under Maintenance" (6).</param>
public sealed record CachetComponent(int Id, string Name, int Status, int? GroupId, bool Enabled, bool UnderMaintenance = false);
