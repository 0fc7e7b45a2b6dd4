using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>
/// The whole, validated configuration. Thresholds are already merged into each server.
/// <see cref="ShutdownTimeout"/> bounds how long a stop (SIGTERM, Ctrl+C) may take to wind a cycle down.
/// <see cref="Shards"/> is what the file says; <see cref="Shard"/> the part of the fleet this run owns (null: all of it).
/// </summary>
public sealed record CachetSyncSettings(
    CachetSettings Cachet,
    ScheduleSettings Schedule,
    ProbeSettings Probe,
    ReportSettings Reports,
    IReadOnlyList<ServerSettings> Servers,
    TimeSpan ShutdownTimeout,
    DampingSettings? Damping = null,
    StateSettings? State = null,
    IncidentSettings? Incidents = null,
    MetricSettings? Metrics = null,
    IReadOnlyList<ServerTemplate>? Templates = null,
    int Shards = 1,
    Sync.Shard? Shard = null)
{
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    public TelemetrySettings Telemetry { get; init; } = TelemetrySettings.Off;

    public GuardSettings Guard { get; init; } = GuardSettings.Default;

    public HeartbeatSettings Heartbeat { get; init; } = HeartbeatSettings.Off;

    /// <summary>What a <c>--witness</c> instance serves; a writer ignores it.</summary>
    public WitnessSettings Witness { get; init; } = WitnessSettings.None;
}
