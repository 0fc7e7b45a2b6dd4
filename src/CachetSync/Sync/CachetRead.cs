using CachetSync.Cachet;

namespace CachetSync.Sync;

/// <summary>
/// What a cycle read of Cachet: its components (and groups), or why they could not be read — and the client of this
/// Cachet's version, which the cycle's later calls (schedules, writes) use.
/// </summary>
/// <param name="Components">Null when Cachet could not be read, or there is no Cachet (a dry run without one).</param>
public sealed record CachetRead(ComponentResolver? Components, string? Error, ICachetClient? Client);
