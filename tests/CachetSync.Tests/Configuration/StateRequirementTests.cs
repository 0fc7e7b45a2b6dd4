using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>--once forgets everything between runs: settings that count or remember across cycles need a writable state file.</summary>
public sealed class StateRequirementTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cachetsync-state-").FullName;

    private static List<string> Problems(string json, bool once) =>
        SettingsReader.Read(ConfigTree.Parse(json), dryRun: false, once).Problems.Select(problem => problem.ToString()).ToList();

    private const string Cachet = """ "Cachet": { "BaseUrl": "https://status.test", "ApiToken": "t0ken-value" } """;

    [Theory]
    [InlineData("""{ "Damping": { "ToBetter": 2 }, CACHET }""", "Damping.ToBetter (2 counts cycles)")]
    [InlineData("""{ "Damping": { "ConsecutiveCycles": 3 }, CACHET }""", "Damping.ToWorse (3 counts cycles) and Damping.ToBetter (3 counts cycles)")]
    [InlineData("""{ "Cachet": { "BaseUrl": "https://status.test", "ApiToken": "t0ken-value", "RespectManualStatus": true } }""", "Cachet.RespectManualStatus (remembers what CachetSync last wrote)")]
    public void Once_with_settings_that_need_memory_and_no_state_file_is_a_problem_with_the_fix(string json, string why)
    {
        var problems = Problems(json.Replace("CACHET", Cachet, StringComparison.Ordinal), once: true);

        problems.Should().ContainSingle().Which.Should()
            .StartWith($"State.Path: is required with --once: {why} across runs")
            .And.Contain("Set State.Path to a writable file");
    }

    [Fact]
    public void The_same_settings_are_fine_for_a_worker_and_with_a_writable_state_file()
    {
        var json = $$"""{ "Damping": { "ToBetter": 2 }, {{Cachet}} STATE }""";

        Problems(json.Replace("STATE", "", StringComparison.Ordinal), once: false).Should().BeEmpty();
        var path = Path.Combine(_directory, "nested", "state.json").Replace("\\", "/", StringComparison.Ordinal);
        Problems(json.Replace("STATE", $$""", "State": { "Path": "{{path}}" }""", StringComparison.Ordinal), once: true).Should().BeEmpty();
        Directory.GetFiles(Path.Combine(_directory, "nested")).Should().BeEmpty("the check leaves nothing behind");
    }

    [Fact]
    public void An_unwritable_state_file_is_a_problem_with_once()
    {
        var notADirectory = Path.Combine(_directory, "file");
        File.WriteAllText(notADirectory, "");
        var json = $$"""{ "Damping": { "ToBetter": 2 }, {{Cachet}}, "State": { "Path": "{{notADirectory}}/state.json" } }""";

        Problems(json, once: true).Should().ContainSingle().Which.Should()
            .StartWith($"State.Path: \"{notADirectory}/state.json\" cannot be written (")
            .And.EndWith("and with --once Damping.ToBetter (2 counts cycles) across runs needs it");
    }

    [Fact]
    public void Damping_of_one_cycle_needs_no_state_file() =>
        Problems($$"""{ "Damping": { "ToWorse": 1, "ToBetter": 1 }, {{Cachet}} }""", once: true).Should().BeEmpty();

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
