namespace CachetSync.Cachet;

/// <summary>The fields of a Cachet component group that CachetSync reads.</summary>
public sealed record CachetGroup(int Id, string Name);
