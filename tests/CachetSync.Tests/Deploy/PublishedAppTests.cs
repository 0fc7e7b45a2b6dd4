using System.Diagnostics;
using System.Text.Json;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Deploy;

/// <summary>The published app as the container runs it: a real process, real stdout/stderr, real signals.</summary>
[Collection(PublishedApp.Collection)]
public sealed class PublishedAppTests(PublishedApp app) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-run-").FullName;

    private (int ExitCode, string Out, string Error) Run(string arguments) =>
        PublishedApp.Run(app.Executable, arguments, _work, TimeSpan.FromMinutes(1));

    private string Config(string json)
    {
        var path = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(path, json);
        return path;
    }

    [NativeFact]
    public void Dockerfile_publishes_a_release_build_with_its_own_arguments()
    {
        app.PublishArguments.Should().Contain("-c Release").And.Contain("src/CachetSync/CachetSync.csproj");
        File.Exists(app.Executable).Should().BeTrue();
        File.Exists(Path.Combine(app.Directory, "cachetsync.dll")).Should().BeFalse("the image ships a native executable, no IL");
    }

    [NativeFact]
    public void Help_lists_every_option()
    {
        var (exitCode, output, _) = Run("--help");

        exitCode.Should().Be(0);
        foreach (var option in new[] { "--config FILE", "--once", "--dry-run", "--output table|json", "--shard i/K", "--list-components", "--version", "--help" })
        {
            output.Should().Contain(option);
        }
    }

    [NativeFact]
    public void Version_prints_the_version()
    {
        var (exitCode, output, _) = Run("--version");

        exitCode.Should().Be(0);
        output.Trim().Should().MatchRegex(@"^cachetsync \d+\.\d+\.\d+$");
    }

    /// <summary>One server on a closed port: a dry run with no Cachet has something to show.</summary>
    private static string OneServer => $$"""[ { "Name": "edge-1", "Url": "http://127.0.0.1:{{Loopback.RefusedPort}}/", "ComponentId": 1 } ]""";

    [NativeFact]
    public void Dry_run_with_no_cachet_succeeds()
    {
        Config($$"""{ "Servers": {{OneServer}} }""");

        var (exitCode, output, _) = Run("--once --dry-run");

        exitCode.Should().Be(0);
        output.Should().Contain("1 server in").And.Contain("Exit code 0.");
    }

    [NativeFact]
    public void No_configuration_file_and_no_servers_exits_1_naming_the_file_looked_for()
    {
        var (exitCode, output, error) = Run("--once --dry-run");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("Servers: is empty").And.Contain($"{Path.Combine(_work, "appsettings.json")} does not exist");
    }

    [NativeFact]
    public void Under_a_low_open_file_limit_probes_wait_their_turn_instead_of_failing_as_outages()
    {
        // A container's usual limit is 1024 against 4096 probes in flight; 64 against 300 here is the same squeeze.
        using var targets = Loopback.StartWireMock();
        targets.Given(WireMock.RequestBuilders.Request.Create().WithPath("/slow").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(100)));
        var servers = string.Join(", ", Enumerable.Range(1, 300).Select(i => $$"""{ "Name": "edge-{{i}}", "Url": "{{targets.Urls[0]}}/slow?{{i}}", "ComponentId": {{i}} }"""));
        Config($$"""{ "Probe": { "Timeout": "30s" }, "Servers": [ {{servers}} ] }""");

        var (exitCode, output, error) = PublishedApp.Run(
            "bash", $"-c \"ulimit -n 64 && exec {app.Executable} --once --dry-run --output json\"", _work, TimeSpan.FromMinutes(2));

        exitCode.Should().Be(0, error);
        using var summary = JsonDocument.Parse(output);
        summary.RootElement.GetProperty("servers").EnumerateArray().Select(server => server.GetProperty("probe").GetString())
            .Should().OnlyContain(kind => kind == "Ok", "every server answered; none may look down for want of a socket here");
        error.Should().MatchRegex(@"Probe\.MaxConcurrency 4096 lowered to \d+: the open-file limit is 64 \(ulimit -n\)");
    }

    [NativeFact]
    public void Json_console_formatter_is_chosen_from_configuration()
    {
        Config($$"""{ "Logging": { "Console": { "FormatterName": "json" } }, "Servers": {{OneServer}} }""");

        var (exitCode, _, error) = Run("--once --dry-run --output json");

        exitCode.Should().Be(0);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().NotBeEmpty();
        lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("Message").GetString())
            .Should().Contain(message => message!.StartsWith("Cycle done in", StringComparison.Ordinal));
    }

    [NativeFact]
    public void Default_logs_are_one_line_each_with_a_utc_timestamp_on_stderr()
    {
        Config($$"""{ "Servers": {{OneServer}} }""");

        var (exitCode, output, error) = Run("--once --dry-run");

        exitCode.Should().Be(0);
        output.Should().NotContain("Cycle done", "logs stay off stdout");
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().NotBeEmpty()
            .And.OnlyContain(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|fail|crit|dbug|trce): "));
    }

    [NativeFact]
    public void Invalid_configuration_exits_1_from_the_real_process()
    {
        Config("""{ "Probe": { "Timeout": "soon" } }""");

        var (exitCode, output, error) = Run("--once");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("Probe.Timeout: \"soon\" is not a duration").And.Contain("Cachet.BaseUrl: is required");
    }

    [NativeFact]
    public async Task Sigterm_during_a_worker_cycle_prints_the_partial_summary_and_exits_0()
    {
        using var silent = new RawTcpServer(RawTcpServer.Behaviour.Silent);
        Config($$"""
            { "Schedule": { "Cron": "* * * * * *" }, "Probe": { "Timeout": "60s" },
              "Servers": [ { "Name": "stuck", "Url": "{{silent.Url}}", "ComponentId": 1 } ] }
            """);
        using var process = PublishedApp.Start(app.Executable, "--dry-run --output json", _work);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        await Eventually.Until(() => silent.Accepted >= 1, "the worker's first probe");
        using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.ExitCode.Should().Be(0);
        using var summary = JsonDocument.Parse((await output).Trim());
        summary.RootElement.GetProperty("stopped").GetBoolean().Should().BeTrue();
        summary.RootElement.GetProperty("worker").GetBoolean().Should().BeTrue();
        summary.RootElement.GetProperty("exitCode").GetInt32().Should().Be(process.ExitCode, "the last summary and the process agree");
        summary.RootElement.GetProperty("servers")[0].GetProperty("probe").GetString().Should().Be("Stopped");
        summary.RootElement.GetProperty("servers")[0].GetProperty("desired").ValueKind.Should().Be(JsonValueKind.Null, "a server not probed has no desired status");
    }

    [NativeFact]
    public async Task Native_build_runs_a_full_cycle_with_refit_polly_and_a_sqlite_report_source()
    {
        // Everything the JIT-run tests prove, once more in the native executable: reflection-free paths only.
        using var cachet = new CachetStub();
        cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).ServeComponents().AcceptStatusWrites();
        using var targets = Loopback.StartWireMock();
        targets.Given(WireMock.RequestBuilders.Request.Create().WithPath("/ok").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200));
        var database = Path.Combine(_work, "reports.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            var recent = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = $"CREATE TABLE timeout_reports (server TEXT, reported_at TEXT); INSERT INTO timeout_reports VALUES {string.Join(", ", Enumerable.Repeat($"('edge-2', '{recent}')", 25))};";
            await command.ExecuteNonQueryAsync();
        }

        Config($$"""
            {
              "Cachet": { "BaseUrl": "{{cachet.BaseUrl}}", "ApiToken": "{{CachetStub.Token}}" },
              "Reports": { "Source": "Sql", "Sql": { "Provider": "Sqlite", "ConnectionString": "Data Source={{database}};Pooling=False" } },
              "Servers": [
                { "Name": "edge-1", "Url": "http://127.0.0.1:{{Loopback.RefusedPort}}/", "ComponentId": 1 },
                { "Name": "edge-2", "Url": "{{targets.Urls[0]}}/ok", "ComponentId": 2 } ],
              "Logging": { "LogLevel": { "Default": "Warning" } }
            }
            """);

        var (exitCode, output, error) = Run("--once --output json");

        exitCode.Should().Be(0, error);
        cachet.Puts().Should().Equal((1, """{"status":4}"""), (2, """{"status":3}"""));
        using var summary = JsonDocument.Parse(output);
        summary.RootElement.GetProperty("servers")[1].GetProperty("reports").GetInt32().Should().Be(25);
        error.Should().NotContain("info:", "Logging:LogLevel:Default=Warning is honoured");
    }

    [NativeFact]
    public void Native_build_reads_cachet_3_resources_with_their_status_objects()
    {
        using var cachet = new Cachet3Stub();
        cachet.WithGroup(4, "Ingest").WithComponent(8, "rtmp-1", 3, group: 4).WithComponent(9, "rtmp-2", 6);
        Config($$"""{ "Cachet": { "BaseUrl": "{{cachet.BaseUrl}}", "ApiVersion": 3 } }""");

        var (exitCode, output, error) = Run("--list-components --output json");

        exitCode.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement[0].GetProperty("group").GetString().Should().Be("Ingest");
        json.RootElement[0].GetProperty("status").GetString().Should().Be("PartialOutage");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
