using System.Globalization;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using Microsoft.Data.Sqlite;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>Full cycles whose statuses change because of user reports, from each kind of report source.</summary>
public sealed class ReportSourceCycleTests : LoopbackProgramTest
{
    private const string ReportsToken = "reports-bearer-5b9e1f0c77";
    private const string ReportsKey = "reports-api-key-a41d09";
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"cachetsync-cycle-{Guid.NewGuid():N}.db");

    public ReportSourceCycleTests()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).WithComponent(3, "edge-3", 1).ServeComponents().AcceptStatusWrites();
    }

    private JsonObject Config(JsonObject reports) => new()
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["Reports"] = reports,
        ["Servers"] = new JsonArray(
            new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 1 },
            new JsonObject { ["Name"] = "edge-2", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 2, ["ReportKey"] = "e2" },
            new JsonObject { ["Name"] = "edge-3", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 3 }),
        ["Logging"] = new JsonObject
        {
            ["LogLevel"] = new JsonObject { ["Default"] = "Trace", ["System.Net.Http.HttpClient"] = "Trace", ["Microsoft"] = "Trace" },
        },
    };

    private async Task<int> RunAsync(JsonObject reports) =>
        await Run.RunAsync("--config", Run.WriteConfig(Config(reports).ToJsonString()), "--once");

    [Fact]
    public async Task Sqlite_reports_move_statuses_through_the_thresholds()
    {
        await using (var connection = new SqliteConnection($"Data Source={_database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            var recent = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var old = DateTime.UtcNow.AddHours(-3).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var rows = Enumerable.Repeat($"('edge-1', '{recent}')", 12)
                .Concat(Enumerable.Repeat($"('e2', '{recent}')", 55))
                .Concat(Enumerable.Repeat($"('edge-3', '{old}')", 80));
            command.CommandText = $"CREATE TABLE timeout_reports (server TEXT, reported_at TEXT); INSERT INTO timeout_reports VALUES {string.Join(", ", rows)};";
            await command.ExecuteNonQueryAsync();
        }

        var exitCode = await RunAsync(new JsonObject
        {
            ["Source"] = "Sql",
            ["Sql"] = new JsonObject { ["Provider"] = "Sqlite", ["ConnectionString"] = $"Data Source={_database};Pooling=False" },
        });

        exitCode.Should().Be(0, Run.Everything);
        Cachet.Puts().Should().Equal((1, """{"status":2}"""), (2, """{"status":4}"""));
        Run.Out.ToString().Should().MatchRegex(@"edge-3\s+HTTP 200\s+\d+ ms\s+0\s+Operational -> Operational\s+unchanged", "its 80 reports are three hours old");
    }

    [Fact]
    public async Task Http_report_list_with_a_bearer_token_is_counted_here_and_the_credentials_never_logged()
    {
        var now = DateTimeOffset.UtcNow;
        var reports = Enumerable.Range(0, 21).Select(i => new JsonObject { ["host"] = "edge-1", ["time"] = now.AddMinutes(-i - 1).ToString("O") })
            .Append(new JsonObject { ["host"] = "e2", ["time"] = now.AddHours(-5).ToString("O") });
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()
                .WithHeader("Authorization", $"Bearer {ReportsToken}").WithHeader("X-Api-Key", ReportsKey))
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(new JsonArray(reports.Select(r => (JsonNode)r).ToArray()).ToJsonString()));

        var exitCode = await RunAsync(new JsonObject
        {
            ["Source"] = "Http", ["Url"] = Targets.Urls[0] + "/reports?from={since}&to={until}",
            ["Format"] = "ReportList", ["ServerProperty"] = "host", ["TimeProperty"] = "time",
            ["BearerToken"] = ReportsToken, ["Headers"] = new JsonObject { ["X-Api-Key"] = ReportsKey },
        });

        exitCode.Should().Be(0, Run.Everything);
        Cachet.Puts().Should().Equal((1, """{"status":3}"""));
        var query = Targets.LogEntries.Single(entry => entry.RequestMessage.Path == "/reports").RequestMessage.Query!;
        DateTimeOffset.Parse(query["to"].Single(), CultureInfo.InvariantCulture).Should().BeCloseTo(now, TimeSpan.FromMinutes(1));
        DateTimeOffset.Parse(query["from"].Single(), CultureInfo.InvariantCulture).Should().BeCloseTo(now.AddHours(-2), TimeSpan.FromMinutes(1));
        Run.Logs.Lines.Should().Contain(line => line.Contains("Authorization: *"), "request headers are logged at Trace, redacted");
        Run.Everything.Should().NotContain(ReportsToken).And.NotContain(ReportsKey);
    }

    [Fact]
    public async Task File_count_list_is_read_each_cycle()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cachetsync-reports-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """[ { "server": "edge-3", "count": 60 }, { "server": "nobody", "count": 5 } ]""");
        try
        {
            var exitCode = await RunAsync(new JsonObject { ["Source"] = "File", ["Path"] = file, ["Format"] = "CountList" });

            exitCode.Should().Be(0, Run.Everything);
            Cachet.Puts().Should().Equal((3, """{"status":4}"""));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sql_failure_is_a_warning_without_the_connection_string_and_probes_still_decide()
    {
        var exitCode = await RunAsync(new JsonObject
        {
            ["Source"] = "Sql",
            ["Sql"] = new JsonObject
            {
                ["Provider"] = "PostgreSql",
                ["ConnectionString"] = $"Host=127.0.0.1;Port={Loopback.RefusedPort};Username=reports;Password=pg-secret-99;Timeout=2",
            },
        });

        exitCode.Should().Be(0);
        Run.Logs.Lines.Should().ContainSingle(line => line.StartsWith("Warning", StringComparison.Ordinal)
            && line.Contains("Report source SQL PostgreSql (127.0.0.1)") && line.Contains("probe-only"));
        Run.Everything.Should().NotContain("pg-secret-99");
        Cachet.Puts().Should().BeEmpty();
    }

    public override void Dispose()
    {
        File.Delete(_database);
        base.Dispose();
    }
}
