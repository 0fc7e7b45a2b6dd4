namespace CachetSync.Configuration;

/// <summary>
/// What the way CachetSync is run asks of a configuration that is valid in itself: the section readers parse each
/// key; these checks weigh keys against each other and against the command line, adding to the same list of
/// problems, so one run still names every mistake at once.
/// </summary>
public static class RunRequirements
{
    /// <param name="dryRun">Nothing will be written (a dry run, or --list-components): no Cachet address or token needed.</param>
    /// <param name="once">One cycle per process: what must be remembered between cycles needs a state file.</param>
    /// <param name="requireServers">A cycle will run (not --list-components): without a server it would do nothing.</param>
    public static void Check(CachetSyncSettings settings, ConfigNode root, bool dryRun, bool once, bool requireServers)
    {
        var cachet = root.Child("Cachet");
        if (!dryRun)
        {
            cachet.Require("BaseUrl", "is required (the status page's address, e.g. https://status.example.com), unless --dry-run");
            cachet.Require("ApiToken", "is required to write to Cachet (set CACHETSYNC_Cachet__ApiToken, or use --dry-run)");
        }

        if (requireServers && settings.Servers.Count == 0 && (settings.Templates ?? []).Count == 0 && !root.Child("Servers").Exists)
        {
            root.Problem("Servers", "is empty: there is nothing to probe (add at least one server, or a component group)");
        }

        RequireWhatTheReportSourceNeeds(settings.Reports.Source, root.Child("Reports"));
        if (settings.Guard.SelfComponentId is { } self && settings.Servers.FirstOrDefault(server => server.ComponentId == self) is { } taken)
        {
            root.Child("Guard").Problem("SelfComponentId", $"{self} is also the component of server \"{taken.Name}\": CachetSync's own health needs a component of its own");
        }

        if (once)
        {
            StateRequirement.Check(settings, root);
        }
    }

    private static void RequireWhatTheReportSourceNeeds(ReportSourceKind source, ConfigNode reports)
    {
        switch (source)
        {
            case ReportSourceKind.Http:
                reports.Require("Url", "is required when Source is Http");
                break;
            case ReportSourceKind.Prometheus:
                reports.Require("Url", "is required when Source is Prometheus (its base URL, e.g. http://prometheus:9090)");
                reports.Require("Query", "is required when Source is Prometheus, e.g. sum by (server) (increase(player_timeouts_total[{window}]))");
                break;
            case ReportSourceKind.File:
                reports.Require("Path", "is required when Source is File");
                break;
            case ReportSourceKind.Sql:
                var sql = reports.Child("Sql");
                sql.Require("Provider", $"is required when Source is Sql ({string.Join(", ", Enum.GetNames<Reports.SqlProvider>())})");
                sql.Require("ConnectionString", "is required when Source is Sql (or set CACHETSYNC_Reports__Sql__ConnectionString)");
                break;
        }
    }
}
