using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>Reads and validates the whole configuration, collecting every problem rather than stopping at the first.</summary>
public static class SettingsReader
{
    /// <summary>Top-level sections that belong to the .NET host or to editors, not to CachetSync.</summary>
    public static readonly string[] ForeignSections = ["Logging", "$schema"];

    public static readonly string[] Sections =
        ["Cachet", "Schedule", "Probe", "Reports", "Thresholds", "Servers", "ShutdownTimeout", "Damping", "State", "Incidents", "Metrics", "Shards", "Telemetry", "Guard", "Heartbeat", "Witness"];

    /// <summary>The keys an environment variable may name without a "__" (e.g. CACHETSYNC_ShutdownTimeout).</summary>
    public static IReadOnlyCollection<string> TopLevelKeys { get; } = [.. Sections, .. ForeignSections];

    /// <param name="dryRun">Nothing will be written (a dry run, or --list-components): no token needed.</param>
    /// <param name="once">One cycle per process (--once): whatever must be remembered between cycles needs a state file.</param>
    /// <param name="requireServers">A cycle will run (not --list-components): without a server it would do nothing.</param>
    /// <param name="catalog">Told every key read, with its kind and bounds (see <see cref="KeyCatalog"/>).</param>
    /// <param name="witness">Run as a witness (--witness): Witness.Listen and Witness.Token needed, Cachet not.</param>
    public static (CachetSyncSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Read(
        ConfigTree configuration, bool dryRun, bool once = false, bool requireServers = false, KeyCatalog? catalog = null, bool witness = false)
    {
        var problems = new List<ConfigProblem>();
        var root = new ConfigNode(configuration, "", problems, catalog);
        root.RejectUnknownKeys([.. Sections, .. ForeignSections]);

        var cachet = CachetSettings.Read(root.Child("Cachet"));
        var schedule = ScheduleSettings.Read(root.Child("Schedule"));
        var probe = ProbeSettings.Read(root.Child("Probe"));
        var reports = ReportSettings.Read(root.Child("Reports"));
        var thresholds = ThresholdSettingsReader.Read(root.Child("Thresholds"), ThresholdSettings.BuiltIn, mergeStatusCodes: false);
        var (servers, templates) = ReadServers(root.Child("Servers"), thresholds, probe.Request);

        var shutdownTimeout = root.Duration("ShutdownTimeout", max: TimeSpan.FromHours(1)) ?? CachetSyncSettings.DefaultShutdownTimeout;

        var damping = DampingSettings.Read(root.Child("Damping"));
        var state = StateSettings.Read(root.Child("State"));
        var incidents = IncidentSettings.Read(root.Child("Incidents"));
        var metrics = MetricSettings.Read(root.Child("Metrics"));
        var telemetry = TelemetrySettings.Read(root.Child("Telemetry"));
        var guard = GuardSettings.Read(root.Child("Guard"));
        var heartbeat = HeartbeatSettings.Read(root.Child("Heartbeat"));
        var witnessSettings = WitnessSettings.Read(root.Child("Witness"));

        var shards = root.Int("Shards", 1, Sync.Shard.MaxCount) ?? 1;
        var settings = new CachetSyncSettings(cachet, schedule, probe, reports, servers, shutdownTimeout, damping, state, incidents, metrics, templates, shards)
        {
            Telemetry = telemetry,
            Guard = guard,
            Heartbeat = heartbeat,
            Witness = witnessSettings,
        };
        RunRequirements.Check(settings, root, dryRun || witness, once, requireServers);
        if (witness)
        {
            root.Child("Witness").Require("Listen", "is required with --witness: where writers ask, e.g. 0.0.0.0:9470");
            root.Child("Witness").Require("Token", "is required with --witness (set CACHETSYNC_Witness__Token): the writers' Guard.WitnessToken");
        }

        return problems.Count == 0 ? (settings, problems) : (null, problems);
    }

    private static (List<ServerSettings> Servers, List<ServerTemplate> Templates) ReadServers(ConfigNode node, ThresholdSettings defaults, ProbeRequest probeDefaults)
    {
        var servers = new List<ServerSettings>();
        var templates = new List<ServerTemplate>();
        var namesSeen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var componentIdsSeen = new Dictionary<int, string>();
        foreach (var item in node.Items())
        {
            if (item.String("Group") is not null)
            {
                if (ServerTemplate.Read(item, defaults, probeDefaults) is { } template)
                {
                    templates.Add(template);
                }

                continue;
            }

            // Uniqueness is checked on what was written, so a server with another mistake still gets this one named.
            if (item.String("Name") is { } name && !namesSeen.TryAdd(name, item.Path))
            {
                item.Problem("Name", $"\"{name}\" is also the name of {namesSeen[name]}; names must be unique");
            }

            var server = ServerSettings.Read(item, defaults, probeDefaults);
            if (server is null)
            {
                continue;
            }

            if (server.ComponentId is { } id && !componentIdsSeen.TryAdd(id, item.Path))
            {
                item.Problem("ComponentId", $"{id} is also driven by {componentIdsSeen[id]}; two servers would fight over one component");
            }

            servers.Add(server);
        }

        return (servers, templates);
    }
}
