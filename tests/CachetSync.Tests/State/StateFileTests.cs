using CachetSync.State;
using CachetSync.Tests.Support;
using Microsoft.Extensions.Logging;
using static CachetSync.Thresholds.ComponentStatus;

namespace CachetSync.Tests.State;

public sealed class StateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cachetsync-state-").FullName;
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggers;

    public StateFileTests()
    {
        _loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));
    }

    private StateFile File(string name = "state.json") => new(Path.Combine(_directory, name), _loggers.CreateLogger<StateFile>());

    [Fact]
    public void Saved_state_reads_back_the_same()
    {
        var state = new SyncState();
        var held = new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero);
        state.Set(12, new ComponentMemory(LastWritten: MajorOutage, HeldUntil: held));
        state.Set(7, new ComponentMemory(Pending: PartialOutage, PendingCycles: 2));

        File().Save(state);
        var loaded = File().Load();

        loaded.Components.Should().BeEquivalentTo(state.Components);
        Directory.GetFiles(_directory).Should().Equal([Path.Combine(_directory, "state.json")], "the temp file was renamed over the target");
        System.IO.File.ReadAllText(Path.Combine(_directory, "state.json")).Should().Contain("\"lastWritten\": \"MajorOutage\"");
    }

    [Fact]
    public void Missing_file_is_empty_state()
    {
        File("absent.json").Load().Components.Should().BeEmpty();
        _logs.Lines.Should().ContainSingle(line => line.Contains("No state file at"));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"version": 99, "components": {}}""")]
    [InlineData("""{"version": 1, "components": {"twelve": {"pendingCycles": 1}}}""")]
    [InlineData("""{"version": 1, "components": {"12": {"lastWritten": "Splendid"}}}""")]
    public void Corrupt_file_is_logged_and_read_as_empty(string content)
    {
        System.IO.File.WriteAllText(Path.Combine(_directory, "state.json"), content);

        File().Load().Components.Should().BeEmpty();

        _logs.Lines.Should().ContainSingle(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("cannot be used"));
    }

    [Fact]
    public void Unwritable_place_is_a_warning_not_a_crash()
    {
        var blocker = Path.Combine(_directory, "not-a-directory");
        System.IO.File.WriteAllText(blocker, "");

        new StateFile(Path.Combine(blocker, "state.json"), _loggers.CreateLogger<StateFile>()).Save(new SyncState());

        _logs.Lines.Should().ContainSingle(line => line.Contains("could not be written"));
    }

    public void Dispose()
    {
        _loggers.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
