using System.Text.RegularExpressions;
using CachetSync.Tests.Configuration;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Demo;

/// <summary>
/// README's first command, read from README.md (not copied here) and run as written: it must work anywhere, with no
/// network and no Cachet, and print what README shows it printing.
/// </summary>
public sealed partial class ReadmeFirstCommandTests : IDisposable
{
    private readonly TestRun _run = new();

    /// <summary>The first <c>dotnet run</c> line of README's "The two commands".</summary>
    public static string FirstCommand(string readme)
    {
        var section = readme[readme.IndexOf("## The two commands", StringComparison.Ordinal)..];
        return section.Split('\n').First(line => line.StartsWith("dotnet run ", StringComparison.Ordinal)).Trim();
    }

    private static string Readme => File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "README.md"));

    [Fact]
    public async Task Readme_s_first_command_shows_one_working_cycle_and_exits_0()
    {
        var command = FirstCommand(Readme);
        command.Should().StartWith("dotnet run --project src/CachetSync -- ");
        var arguments = command[(command.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var exit = await _run.RunAsync(arguments);

        exit.Should().Be(0, _run.Everything);
        var rows = Rows(_run.Out.ToString());
        // Latencies and this machine's second looks vary; what each server is, and what would be written, do not.
        rows.Should().Equal(
            ("edge-healthy", "HTTP 200", "Operational -> Operational", "unchanged"),
            ("edge-slow", "HTTP 200", "Operational -> PerformanceIssues", "dry-run"),
            ("edge-failing", "HTTP 503", "Operational -> MajorOutage", "dry-run"),
            ("edge-hanging", "Timeout", "Operational -> MajorOutage", "dry-run"),
            ("edge-refused", "ConnectionRefused", "Operational -> MajorOutage", "dry-run"),
            ("edge-reported", "HTTP 200", "Operational -> PartialOutage", "dry-run"),
            ("edge-recovered", "HTTP 200", "MajorOutage -> Operational", "dry-run"));
        _run.Out.ToString().Should().Contain("edge-reported   HTTP 200").And.MatchRegex(@"edge-reported .* 25 +Operational -> PartialOutage .* 25 reports >= 20")
            .And.Contain("Next: copy appsettings.example.json");
        Rows(Readme).Should().Equal(rows, "README's first screen is what the command prints");
    }

    [Fact]
    public async Task The_demo_takes_no_configuration_of_its_own()
    {
        (await _run.RunAsync("--demo", "--config", "appsettings.json")).Should().Be(1);
        _run.Error.ToString().Should().StartWith("cachetsync: --demo brings its own configuration and stand-ins");
    }

    /// <summary>Each table row: server, probe, current -> desired, action.</summary>
    private static List<(string, string, string, string)> Rows(string text) =>
        [.. Row().Matches(text).Select(match => (match.Groups["server"].Value, match.Groups["probe"].Value, match.Groups["status"].Value, match.Groups["action"].Value))];

    [GeneratedRegex(@"^(?<server>edge-[a-z]+) +(?<probe>HTTP \d+|[A-Za-z]+) +\d+ ms +\d+ +(?<status>\w+ -> \w+) +(?<action>[a-z-]+)", RegexOptions.Multiline)]
    private static partial Regex Row();

    public void Dispose() => _run.Dispose();
}
