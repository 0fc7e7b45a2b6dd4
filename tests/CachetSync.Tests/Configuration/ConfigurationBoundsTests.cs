using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>Values that parse but that whatever consumes them cannot take are refused up front, each named.</summary>
public sealed class ConfigurationBoundsTests
{
    private static List<string> Problems(string json, bool once = false, bool requireServers = false) =>
        SettingsReader.Read(ConfigTree.Parse(json), dryRun: true, once, requireServers).Problems.Select(problem => problem.ToString()).ToList();

    [Theory]
    [InlineData("Cachet", "Timeout", "5ms")]
    [InlineData("Cachet", "Timeout", "7h")]
    [InlineData("Probe", "Timeout", "1e10h")]
    [InlineData("Probe", "Timeout", "50d")]
    [InlineData("Reports", "Timeout", "2h")]
    [InlineData("Reports", "Window", "400d")]
    public void Durations_beyond_their_consumer_are_out_of_range(string section, string key, string value) =>
        Problems($$"""{ "{{section}}": { "{{key}}": "{{value}}" } }""")
            .Should().ContainSingle().Which.Should().StartWith($"{section}.{key}: \"{value}\" is out of range");

    [Theory]
    [InlineData("RetryDelay", "25h")]
    [InlineData("BreakFor", "25h")]
    [InlineData("BreakFor", "100ms")]
    public void Resilience_durations_are_held_to_pollys_bounds(string key, string value) =>
        Problems($$"""{ "Cachet": { "Resilience": { "{{key}}": "{{value}}" } } }""")
            .Should().ContainSingle().Which.Should().StartWith($"Cachet.Resilience.{key}: \"{value}\" is out of range");

    [Fact]
    public void A_duration_too_large_for_a_timespan_is_a_problem_not_a_crash() =>
        Problems("""{ "ShutdownTimeout": "1e300h" }""").Should().ContainSingle().Which.Should().Contain("is out of range (0s to 1h)");

    [Fact]
    public void Days_are_a_unit() =>
        SettingsReader.Read(ConfigTree.Parse("""{ "Reports": { "Window": "7d" } }"""), dryRun: true).Settings!.Reports.Window.Should().Be(TimeSpan.FromDays(7));

    [Fact]
    public void A_cron_that_never_occurs_is_a_problem() =>
        Problems("""{ "Schedule": { "Cron": "0 0 30 2 *" } }""").Should().Equal("Schedule.Cron: \"0 0 30 2 *\" never occurs (no date matches it)");

    [Fact]
    public void No_servers_is_a_problem_when_a_cycle_will_run() =>
        Problems("""{ "Servers": [] }""", requireServers: true).Should().Equal(
            "Servers: is empty: there is nothing to probe (add at least one server, or a component group)");

    [Fact]
    public void A_query_with_a_second_statement_is_refused_but_semicolons_in_literals_are_not()
    {
        const string source = """{ "Reports": { "Source": "Sql", "Sql": { "Provider": "PostgreSql", "ConnectionString": "Host=db", "Query": "QUERY" } } }""";

        Problems(source.Replace("QUERY", "SELECT server, 1 FROM r WHERE at >= @since; DELETE FROM r", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().StartWith("Reports.Sql.Query: must be one statement");
        Problems(source.Replace("QUERY", "SELECT server, COUNT(*) FROM r WHERE at >= @since AND note <> 'a;b' GROUP BY server;", StringComparison.Ordinal))
            .Should().BeEmpty();
    }
}
