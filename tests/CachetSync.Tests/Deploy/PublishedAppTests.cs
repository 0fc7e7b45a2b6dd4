using System.Diagnostics;
using System.Text.Json;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Deploy;

/// <summary>The published app as the container runs it: a real process, real stdout/stderr, real signals.</summary>
public sealed class PublishedAppTests(PublishedApp app) : IClassFixture<PublishedApp>, IDisposable
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

    [Fact]
    public void Dockerfile_publishes_a_release_build_with_its_own_arguments()
    {
        app.PublishArguments.Should().Contain("-c Release").And.Contain("src/CachetSync/CachetSync.csproj");
        File.Exists(app.Executable).Should().BeTrue();
    }

    [Fact]
    public void Help_lists_every_option()
    {
        var (exitCode, output, _) = Run("--help");

        exitCode.Should().Be(0);
        foreach (var option in new[] { "--config FILE", "--once", "--dry-run", "--output table|json", "--version", "--help" })
        {
            output.Should().Contain(option);
        }
    }

    [Fact]
    public void Version_prints_the_version()
    {
        var (exitCode, output, _) = Run("--version");

        exitCode.Should().Be(0);
        output.Trim().Should().MatchRegex(@"^cachetsync \d+\.\d+\.\d+$");
    }

    [Fact]
    public void Dry_run_with_no_servers_and_no_cachet_succeeds()
    {
        Config("{}");

        var (exitCode, output, _) = Run("--once --dry-run");

        exitCode.Should().Be(0);
        output.Should().Contain("0 servers in").And.Contain("Exit code 0.");
    }

    [Fact]
    public void Json_console_formatter_is_chosen_from_configuration()
    {
        Config("""{ "Logging": { "Console": { "FormatterName": "json" } } }""");

        var (exitCode, _, error) = Run("--once --dry-run --output json");

        exitCode.Should().Be(0);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().NotBeEmpty();
        lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("Message").GetString())
            .Should().Contain(message => message!.StartsWith("Cycle done in", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_logs_are_one_line_each_with_a_utc_timestamp_on_stderr()
    {
        Config("{}");

        var (exitCode, output, error) = Run("--once --dry-run");

        exitCode.Should().Be(0);
        output.Should().NotContain("Cycle done", "logs stay off stdout");
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().NotBeEmpty()
            .And.OnlyContain(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|fail|crit|dbug|trce): "));
    }

    [Fact]
    public void Invalid_configuration_exits_1_from_the_real_process()
    {
        Config("""{ "Probe": { "Timeout": "soon" } }""");

        var (exitCode, output, error) = Run("--once");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("Probe.Timeout: \"soon\" is not a duration").And.Contain("Cachet.BaseUrl: is required");
    }

    [Fact]
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

        (await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)))).Should().NotBeNull();
        process.HasExited.Should().BeTrue(await error);
        process.ExitCode.Should().Be(0);
        using var summary = JsonDocument.Parse((await output).Trim());
        summary.RootElement.GetProperty("stopped").GetBoolean().Should().BeTrue();
        summary.RootElement.GetProperty("servers")[0].GetProperty("probe").GetString().Should().Be("Stopped");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
