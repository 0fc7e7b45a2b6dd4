using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>The whole, validated configuration. Thresholds are already merged into each server.</summary>
public sealed record CachetSyncSettings(
    CachetSettings Cachet,
    ScheduleSettings Schedule,
    ProbeSettings Probe,
    ReportSettings Reports,
    IReadOnlyList<ServerSettings> Servers);
