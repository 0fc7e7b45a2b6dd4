using CachetSync.Configuration;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void Reads_every_option_in_both_spellings()
    {
        CommandLine.Parse(["--config", "a.json", "--once", "--dry-run"]).CommandLine
            .Should().Be(new CommandLine("a.json", Once: true, DryRun: true, Help: false, Version: false));
        CommandLine.Parse(["--config=b.json"]).CommandLine!.ConfigFile.Should().Be("b.json");
    }

    [Theory]
    [InlineData("--onse", "unknown argument \"--onse\"")]
    [InlineData("--config", "--config needs a file name")]
    [InlineData("--once=yes", "unknown argument \"--once=yes\"")]
    public void Rejects_what_it_does_not_know(string arg, string expected) =>
        CommandLine.Parse([arg]).Error.Should().Be(expected);

    [Fact]
    public async Task Unknown_argument_exits_1_with_the_usage()
    {
        using var run = new TestRun();

        var exitCode = await run.RunAsync("--frobnicate");

        exitCode.Should().Be(1);
        run.Error.ToString().Should().StartWith("cachetsync: unknown argument \"--frobnicate\"").And.Contain("Usage: cachetsync");
    }

    [Fact]
    public async Task Missing_config_file_exits_1_naming_it()
    {
        using var run = new TestRun();

        var exitCode = await run.RunAsync("--config", "/nonexistent/cachetsync.json", "--once");

        exitCode.Should().Be(1);
        run.Error.ToString().Should().Be("cachetsync: invalid configuration: /nonexistent/cachetsync.json: file not found\n");
    }

    [Fact]
    public async Task Config_that_is_not_json_exits_1_with_line_and_column()
    {
        using var run = new TestRun();
        var path = run.WriteConfig("{ \"Probe\": { \"Timeout\": \"5s\", } ,, }");

        var exitCode = await run.RunAsync("--config", path, "--once", "--dry-run");

        exitCode.Should().Be(1);
        run.Error.ToString().Should().MatchRegex(@"not valid JSON: line 1, column \d+");
    }
}
