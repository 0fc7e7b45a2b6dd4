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

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    [InlineData("-?")]
    public void Help_answers_to_its_usual_names(string arg) =>
        CommandLine.Parse([arg]).CommandLine!.Help.Should().BeTrue();

    [Theory]
    [InlineData("--output", "json")]
    [InlineData("--output=json")]
    [InlineData("--output:JSON")]
    public void An_option_value_may_follow_a_space_an_equals_sign_or_a_colon(params string[] args) =>
        CommandLine.Parse(args).CommandLine!.Output.Should().Be(OutputFormat.Json);

    [Theory]
    [InlineData("--output=xml", "--output takes table or json")]
    [InlineData("--output=1", "--output takes table or json")]
    [InlineData("--shard=4/4", "--shard takes i/K: shard i (from 0) of K (1 to 1000), e.g. --shard 0/4")]
    [InlineData("--config=", "--config needs a file name")]
    [InlineData("--help=yes", "unknown argument \"--help=yes\"")]
    [InlineData("--version:1", "unknown argument \"--version:1\"")]
    public void A_bad_value_is_named_in_cachetsyncs_words(string arg, string expected) =>
        CommandLine.Parse([arg]).Error.Should().Be(expected);

    [Fact]
    public void The_usage_line_lists_every_option()
    {
        var usage = CommandLine.Usage.Split('\n')[0];

        CommandLine.OptionNames.Where(name => name != "/h" && name != "/?").Should().OnlyContain(
            name => usage.Contains(name, StringComparison.Ordinal) || name == "-?", "the usage line is where a user looks first");
    }

    [Theory]
    [InlineData("--onse", "--once")]
    [InlineData("--dryrun", "--dry-run")]
    [InlineData("--confg=a.json", "--config")]
    [InlineData("--frobnicate", null)]
    public void A_mistyped_option_gets_a_suggestion(string typed, string? meant) =>
        CommandLine.Suggestion(typed).Should().Be(meant);

    [Fact]
    public async Task A_typo_exits_1_with_what_was_meant()
    {
        using var run = new TestRun();

        (await run.RunAsync("--dry-rn")).Should().Be(1);
        run.Error.ToString().Should().StartWith("cachetsync: unknown argument \"--dry-rn\"; did you mean --dry-run?");
    }

    [Fact]
    public void Readme_shows_the_usage_line_the_program_prints()
    {
        var readme = File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "README.md"));

        readme.Should().Contain(CommandLine.Usage.Split('\n')[0].Replace("Usage: ", "", StringComparison.Ordinal) + "\n");
    }

    [Theory]
    [InlineData("[suggest:4]", "--on", "--once")]
    [InlineData("[suggest:10]", "--output j", "json")]
    [InlineData("[suggest:9]", "--output ", "json\ntable")]
    public async Task Tab_completion_answers_the_suggest_directive(string directive, string typed, string suggested)
    {
        using var run = new TestRun();

        (await run.RunAsync(directive, typed)).Should().Be(0);
        run.Out.ToString().Should().Be(suggested + "\n");
    }

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
