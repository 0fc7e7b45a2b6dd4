namespace CachetSync.Cachet;

/// <summary>The fields of a Cachet component that CachetSync reads (the API sends more).</summary>
/// <param name="UnderMaintenance">Cachet 3 only: the component's own status is "Under Maintenance" (6).</param>
/// <param name="UpdatedAt">
/// When Cachet last changed the component, as it writes it (2.x <c>updated_at</c>, 3.x <c>updated.string</c>); only
/// ever compared for equality, so its format and time zone do not matter. Null where Cachet does not send it.
/// </param>
/// <param name="ListedTwice">Why this component cannot be trusted: Cachet's list gave its id twice, differently.</param>
public sealed record CachetComponent(
    int Id, string Name, int Status, int? GroupId, bool Enabled, bool UnderMaintenance = false, string? UpdatedAt = null, string? ListedTwice = null);
