using CachetSync.Configuration;
using CachetSync.Thresholds;

namespace CachetSync.Tests.Configuration;

public sealed class SettingsReaderTests
{
    private const string ValidServers = """
        "Servers": [ { "Name": "web-1", "Url": "http://web-1.test/health", "ComponentId": 1 } ]
        """;

    private static (CachetSyncSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Read(string json, bool dryRun = true)
    {
        return SettingsReader.Read(ConfigTree.Parse(json), dryRun);
    }

    /// <summary>The settings of a configuration that must be valid (its problems, if any, fail the test).</summary>
    private static CachetSyncSettings Valid(string json)
    {
        var (settings, problems) = Read(json);
        problems.Select(problem => problem.ToString()).Should().BeEmpty();
        return settings!;
    }

    private static IEnumerable<string> Messages(string json, bool dryRun = true) =>
        Read(json, dryRun).Problems.Select(problem => problem.ToString());

    [Fact]
    public void Example_configuration_in_the_repository_validates()
    {
        var path = Path.Combine(RepositoryRoot(), "appsettings.example.json");
        var (settings, problems) = SettingsReader.Read(ConfigLoader.Load(path, "CACHETSYNC_UNUSED_").Tree, dryRun: true);

        problems.Should().BeEmpty();
        settings!.Servers.Should().HaveCountGreaterThan(2);
        settings.Servers.Should().Contain(server => server.IsTcp);
    }

    [Fact]
    public void Empty_configuration_gets_the_documented_defaults()
    {
        var (settings, problems) = Read("{}");

        problems.Should().BeEmpty();
        settings!.Probe.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        settings.Probe.MaxConcurrency.Should().Be(4096);
        settings.Probe.Request.Method.Should().Be(HttpMethod.Get);
        settings.Cachet.PageSize.Should().Be(1000);
        settings.Reports.Source.Should().Be(ReportSourceKind.None);
        settings.Reports.Window.Should().Be(TimeSpan.FromHours(2));
        settings.Servers.Should().BeEmpty();
    }

    [Fact]
    public void Every_problem_is_reported_with_its_path()
    {
        var problems = Messages("""
            {
              "Probe": { "Timeout": "0s", "MaxConcurrency": -1 },
              "Thresholds": { "StatusCodes": { "5xx": "MajorOutage", "200": "Fine" } },
              "Servers": [
                { "Name": "a", "Url": "http://a.test", "ComponentId": 1 },
                { "Name": "b", "Url": "ftp://b.test", "ComponentId": 2 },
                { "Name": "A", "Url": "http://c.test" }
              ]
            }
            """);

        problems.Should().BeEquivalentTo(
            "Probe.Timeout: must be positive, got \"0s\"",
            "Probe.MaxConcurrency: -1 is out of range (1 to 100000)",
            "Thresholds.StatusCodes: \"5xx\" is not a code, a range a-b or \"default\" (codes 100-599)",
            "Thresholds.StatusCodes.200: \"Fine\" is not a status (Operational, PerformanceIssues, PartialOutage, MajorOutage or 1-4)",
            "Servers[1].Url: \"ftp://b.test\" is not an absolute http(s), tcp or icmp URL",
            "Servers[2].Name: \"A\" is also the name of Servers[0]; names must be unique",
            "Servers[2]: names no Cachet component: set ComponentId or Component (the component's name)");
    }

    [Fact]
    public void Duplicate_server_names_and_component_ids_are_problems()
    {
        var problems = Messages("""
            { "Servers": [
                { "Name": "edge", "Url": "http://a.test", "ComponentId": 7 },
                { "Name": "EDGE", "Url": "http://b.test", "ComponentId": 7 } ] }
            """);

        problems.Should().BeEquivalentTo(
            "Servers[1].Name: \"EDGE\" is also the name of Servers[0]; names must be unique",
            "Servers[1].ComponentId: 7 is also driven by Servers[0]; two servers would fight over one component");
    }

    [Fact]
    public void Equally_specific_overlapping_ranges_are_a_problem_but_nested_ones_are_not()
    {
        Messages("""{ "Thresholds": { "StatusCodes": { "500-549": "MajorOutage", "540-589": "PartialOutage" } } }""")
            .Should().ContainSingle().Which.Should().Contain("\"500-549\" and \"540-589\" overlap");
        Messages("""{ "Thresholds": { "StatusCodes": { "500-599": "MajorOutage", "500-509": "PartialOutage", "503": "PerformanceIssues" } } }""")
            .Should().BeEmpty();
    }

    [Fact]
    public void Unknown_keys_are_named_so_typos_do_not_pass_silently()
    {
        Messages("""{ "Probe": { "Timeuot": "5s" }, "Logging": { "LogLevel": { "Default": "Debug" } } }""")
            .Should().ContainSingle().Which.Should().StartWith("Probe.Timeuot: unknown key");
    }

    [Fact]
    public void Writing_needs_base_url_and_token_but_a_dry_run_does_not()
    {
        var json = "{" + ValidServers + "}";

        Messages(json, dryRun: true).Should().BeEmpty();
        Messages(json, dryRun: false).Should().BeEquivalentTo(
            "Cachet.BaseUrl: is required (the status page's address, e.g. https://status.example.com), unless --dry-run",
            "Cachet.ApiToken: is required to write to Cachet (set CACHETSYNC_Cachet__ApiToken, or use --dry-run)");
    }

    [Theory]
    [InlineData("\"5\"", "is not a duration")] // .NET would read a bare 5 as five days
    [InlineData("\"soon\"", "is not a duration")]
    [InlineData("\"-00:00:01\"", "must be positive")]
    public void Bad_durations_are_refused(string value, string expected) =>
        Messages($$"""{ "Probe": { "Timeout": {{value}} } }""").Should().ContainSingle().Which.Should().Contain(expected);

    [Theory]
    [InlineData("00:00:01.500", 1500)]
    [InlineData("1500ms", 1500)]
    [InlineData("2s", 2000)]
    [InlineData("1m", 60_000)]
    public void Durations_read_in_either_notation(string value, int milliseconds) =>
        Read($$"""{ "Probe": { "Timeout": "{{value}}" } }""").Settings!.Probe.Timeout.Should().Be(TimeSpan.FromMilliseconds(milliseconds));

    [Fact]
    public void Statuses_are_read_by_name_in_any_case_or_by_number()
    {
        var (settings, problems) = Read("""{ "Thresholds": { "Slow": "partialoutage", "Timeout": 3, "ConnectionError": "Major Outage" } }""");

        problems.Should().BeEmpty();
        settings!.Probe.Should().NotBeNull();
        var thresholds = ThresholdSettingsReader.Read(
            new ConfigNode(ConfigTree.Parse("""{ "Slow": "partialoutage", "Timeout": 3, "ConnectionError": "Major Outage" }"""), "", []),
            ThresholdSettings.BuiltIn,
            mergeStatusCodes: false);
        thresholds.Slow.Should().Be(ComponentStatus.PartialOutage);
        thresholds.Timeout.Should().Be(ComponentStatus.PartialOutage);
        thresholds.ConnectionError.Should().Be(ComponentStatus.MajorOutage);
    }

    [Fact]
    public void Server_thresholds_merge_over_the_defaults()
    {
        var (settings, _) = Read("""
            {
              "Thresholds": { "StatusCodes": { "200-299": "Operational", "default": "PartialOutage" }, "SlowAfter": "1s" },
              "Servers": [
                { "Name": "plain", "Url": "http://a.test", "ComponentId": 1 },
                { "Name": "tuned", "Url": "http://b.test", "ComponentId": 2,
                  "Thresholds": { "SlowAfter": "3s", "StatusCodes": { "503": "PerformanceIssues" },
                                  "Reports": [ { "AtLeast": 100, "Status": "MajorOutage" } ] } }
              ]
            }
            """);

        var plain = settings!.Servers[0].Thresholds;
        var tuned = settings.Servers[1].Thresholds;
        plain.SlowAfter.Should().Be(TimeSpan.FromSeconds(1));
        plain.StatusCodes.Map(503).Should().Be(ComponentStatus.PartialOutage, "a top-level StatusCodes replaces the built-in map");
        plain.StatusCodes.Map(429).Should().Be(ComponentStatus.PartialOutage);
        tuned.SlowAfter.Should().Be(TimeSpan.FromSeconds(3));
        tuned.StatusCodes.Map(503).Should().Be(ComponentStatus.PerformanceIssues);
        tuned.StatusCodes.Map(204).Should().Be(ComponentStatus.Operational, "per-server codes merge over the defaults");
        tuned.StatusCodes.Map(404).Should().Be(ComponentStatus.PartialOutage);
        tuned.Reports.Should().Equal(new ReportThreshold(100, ComponentStatus.MajorOutage));
        plain.Reports.Should().Equal(ThresholdSettings.BuiltIn.Reports);
    }

    [Fact]
    public void Tcp_servers_need_a_port()
    {
        Messages("""{ "Servers": [ { "Name": "ingest", "Url": "tcp://ingest.test", "ComponentId": 1 } ] }""")
            .Should().Equal("Servers[0].Url: \"tcp://ingest.test\" needs a port (tcp://host:port)");
    }

    [Fact]
    public void Report_sources_need_their_address()
    {
        Messages("""{ "Reports": { "Source": "Http" } }""").Should().Equal("Reports.Url: is required when Source is Http");
        Messages("""{ "Reports": { "Source": "File" } }""").Should().Equal("Reports.Path: is required when Source is File");
        Messages("""{ "Reports": { "Source": "Carrier pigeon" } }""").Should().Equal("Reports.Source: \"Carrier pigeon\" is not one of None, Http, File, Sql, Prometheus");
        Messages("""{ "Reports": { "Source": "Prometheus" } }""").Should().Equal(
            "Reports.Url: is required when Source is Prometheus (its base URL, e.g. http://prometheus:9090)",
            "Reports.Query: is required when Source is Prometheus, e.g. sum by (server) (increase(player_timeouts_total[{window}]))");
    }

    [Fact]
    public void A_Prometheus_source_is_read_with_its_queries_and_label()
    {
        var settings = Valid($$"""
            { "Reports": { "Source": "Prometheus", "Url": "http://127.0.0.1:9090/", "Query": "sum by (edge) (increase(t[{window}]))",
                           "AudienceQuery": "max by (edge) (s)", "KeyLabel": "edge", "MinAudience": 500 }, {{ValidServers}} }
            """).Reports;

        settings.Url.Should().Be("http://127.0.0.1:9090/");
        settings.Prometheus.Should().Be(new PrometheusQueries("sum by (edge) (increase(t[{window}]))", "max by (edge) (s)", "edge"));
        settings.MinAudience.Should().Be(500);
        Valid($$"""{ "Reports": { "Source": "Prometheus", "Url": "http://p:9090", "Query": "q" }, {{ValidServers}} }""").Reports.Prometheus!.KeyLabel.Should().Be("server");
        Valid($$"""{ {{ValidServers}} }""").Reports.MinAudience.Should().Be(100);
    }

    [Fact]
    public void A_Prometheus_source_names_each_bad_key()
    {
        Messages("""{ "Reports": { "Source": "Prometheus", "Url": "http://p:9090/?x=1", "Query": "q", "KeyLabel": "1-server", "MinAudience": 0 } }""")
            .Should().BeEquivalentTo(
                "Reports.Url: \"http://p:9090/?***\" is not Prometheus' base URL (absolute http(s), no query: http://prometheus:9090)",
                "Reports.KeyLabel: \"1-server\" is not a Prometheus label name (letters, digits and _, not first a digit)",
                "Reports.MinAudience: 0 is out of range (1 to 2147483647)");
    }

    [Fact]
    public void Report_rules_on_counts_and_on_rates_share_one_list()
    {
        var thresholds = Valid($$"""
            { "Thresholds": { "Reports": [ { "PerThousandAtLeast": 20, "Status": "MajorOutage" }, { "AtLeast": 30, "Status": "PartialOutage" },
                                           { "PerThousandAtLeast": 2.5, "Status": "PerformanceIssues" } ] }, {{ValidServers}} }
            """).Servers[0].Thresholds;

        thresholds.Reports.Should().Equal(new ReportThreshold(30, ComponentStatus.PartialOutage));
        thresholds.ReportRates.Should().Equal(
            new ReportRateThreshold(2.5m, ComponentStatus.PerformanceIssues), new ReportRateThreshold(20, ComponentStatus.MajorOutage));
    }

    [Fact]
    public void A_report_rule_is_on_counts_or_on_rates_never_both_or_neither()
    {
        Messages("""
            { "Thresholds": { "Reports": [ { "AtLeast": 3, "PerThousandAtLeast": 5, "Status": "MajorOutage" }, { "Status": "MajorOutage" },
                                           { "PerThousandAtLeast": 0, "Status": "MajorOutage" }, { "PerThousandAtLeast": "lots", "Status": "MajorOutage" },
                                           { "PerThousandAtLeast": 5, "Status": "PartialOutage" }, { "PerThousandAtLeast": 5.0, "Status": "MajorOutage" } ] } }
            """).Should().BeEquivalentTo(
            "Thresholds.Reports[0]: has both AtLeast and PerThousandAtLeast: a rule is on counts or on rates, make it two rules",
            "Thresholds.Reports[1]: needs AtLeast (reports in the window) or PerThousandAtLeast (reports per 1 000 of audience)",
            "Thresholds.Reports[2].PerThousandAtLeast: 0 is out of range (more than 0, at most 1000000)",
            "Thresholds.Reports[3].PerThousandAtLeast: \"lots\" is not a number (reports per 1 000, such as 5 or 0.5)",
            "Thresholds.Reports[5].PerThousandAtLeast: 5.0 appears twice");
    }

    [Fact]
    public void A_servers_Reports_list_replaces_both_kinds_of_inherited_rule()
    {
        var settings = Valid("""
            { "Thresholds": { "Reports": [ { "PerThousandAtLeast": 5, "Status": "MajorOutage" }, { "AtLeast": 9, "Status": "MajorOutage" } ] },
              "Servers": [ { "Name": "a", "Url": "http://a.test", "ComponentId": 1, "Thresholds": { "Reports": [ { "AtLeast": 40, "Status": "PartialOutage" } ] } },
                           { "Name": "b", "Url": "http://b.test", "ComponentId": 2 } ] }
            """);

        settings.Servers[0].Thresholds.ReportRates.Should().BeEmpty();
        settings.Servers[0].Thresholds.Reports.Should().Equal(new ReportThreshold(40, ComponentStatus.PartialOutage));
        settings.Servers[1].Thresholds.ReportRates.Should().Equal(new ReportRateThreshold(5, ComponentStatus.MajorOutage));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    public void An_enum_is_named_not_numbered(string number)
    {
        // "1" would parse as Http, "7" as a value no member has: both are refused, as on the command line.
        Messages($$"""{ "Reports": { "Source": "{{number}}" } }""").Should().Equal($"Reports.Source: \"{number}\" is not one of None, Http, File, Sql, Prometheus");
    }

    [Fact]
    public void Cron_and_time_zone_are_checked()
    {
        Messages("""{ "Schedule": { "Cron": "every minute", "TimeZone": "Mars/Olympus" } }""")
            .Should().HaveCount(2)
            .And.Contain(problem => problem.StartsWith("Schedule.Cron: \"every minute\" is not a cron expression", StringComparison.Ordinal))
            .And.Contain("Schedule.TimeZone: \"Mars/Olympus\" is not a known time zone (use an IANA id such as Europe/Berlin)");
    }

    [Fact]
    public void Environment_variables_override_the_file()
    {
        var prefix = $"CSTEST_{Guid.NewGuid():N}_";
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Cachet": { "BaseUrl": "http://status.test", "ApiToken": "from-file" }, "Probe": { "Timeout": "5s" } }""");
            Environment.SetEnvironmentVariable(prefix + "Cachet__ApiToken", "from-environment");
            Environment.SetEnvironmentVariable(prefix + "Probe__Timeout", "2s");

            var (settings, problems) = SettingsReader.Read(ConfigLoader.Load(file, prefix).Tree, dryRun: false);

            problems.Should().BeEmpty();
            settings!.Cachet.ApiToken!.Reveal().Should().Be("from-environment");
            settings.Probe.Timeout.Should().Be(TimeSpan.FromSeconds(2));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Cachet__ApiToken", null);
            Environment.SetEnvironmentVariable(prefix + "Probe__Timeout", null);
            File.Delete(file);
        }
    }

    [Fact]
    public void Token_never_shows_in_the_settings_text()
    {
        var (settings, _) = Read("""{ "Cachet": { "BaseUrl": "http://status.test", "ApiToken": "s3cret-token-value" } }""", dryRun: false);

        settings!.Cachet.ToString().Should().NotContain("s3cret-token-value").And.Contain("(redacted)");
        settings.ToString().Should().NotContain("s3cret-token-value");
    }

    [Fact]
    public void Config_file_that_is_not_json_names_the_line_and_column()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{\n  \"Probe\": {\n    \"Timeout\": 5s\n  }\n}");

            var act = () => ConfigLoader.Load(file, "CACHETSYNC_UNUSED_");

            act.Should().Throw<ConfigFileException>().WithMessage("*not valid JSON: line 3, column *");
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CachetSync.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CachetSync.sln not found above the test binaries");
    }
}
