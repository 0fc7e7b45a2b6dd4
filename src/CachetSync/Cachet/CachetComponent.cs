namespace CachetSync.Cachet;

/// <summary>The fields of a Cachet component that CachetSync reads (the API sends more).</summary>
public sealed record CachetComponent(int Id, string Name, int Status, int? GroupId, bool Enabled);
