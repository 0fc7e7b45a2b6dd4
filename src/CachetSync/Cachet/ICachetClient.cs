using CachetSync.Thresholds;

namespace CachetSync.Cachet;

/// <summary>
/// What every Cachet flavour gives a cycle: its components and groups (all pages), and verified status writes.
/// Cachet 2.x (<see cref="CachetClient"/>) also serves incidents, metrics and schedules; Cachet 3
/// (<see cref="V3.Cachet3Client"/>) does not yet.
/// </summary>
public interface ICachetClient
{
    Task<IReadOnlyList<CachetComponent>> ReadAllComponentsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<CachetGroup>> ReadAllGroupsAsync(CancellationToken cancellationToken);

    /// <summary>Writes a status and checks that Cachet really took it.</summary>
    Task SetStatusAsync(int componentId, ComponentStatus status, CancellationToken cancellationToken);
}
