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
    [InlineData("""{"version": 1, "components": {"12": {"lastWritten": "Splendid"}}}""")]
    public void Corrupt_file_is_logged_and_read_as_empty(string content)
    {
        System.IO.File.WriteAllText(Path.Combine(_directory, "state.json"), content);

        File().Load().Components.Should().BeEmpty();

        _logs.Lines.Should().ContainSingle(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("cannot be used"));
    }

    [Fact]
    public void A_bad_entry_costs_only_itself_and_colliding_ids_keep_the_first()
    {
        System.IO.File.WriteAllText(Path.Combine(_directory, "state.json"), """
            {"version": 1, "components": {
              "1": {"lastWritten": "MajorOutage"}, "01": {"lastWritten": "Operational"},
              "twelve": {"pendingCycles": 1}, "7": null, "8": {"pending": "PartialOutage", "pendingCycles": 2}}}
            """);

        var loaded = File().Load().Components;

        loaded.Keys.Should().BeEquivalentTo([1, 8]);
        loaded[1].LastWritten.Should().Be(MajorOutage);
        loaded[8].PendingCycles.Should().Be(2);
        _logs.Lines.Should().Contain(line => line.Contains("component 1 has a second entry \"01\"; the first is kept"))
            .And.Contain(line => line.Contains("entry \"twelve\" is not a component's; ignored"))
            .And.Contain(line => line.Contains("entry \"7\" is not a component's; ignored"));
    }

    [Fact]
    public void An_oversized_state_file_is_not_read_into_memory()
    {
        var path = Path.Combine(_directory, "state.json");
        using (var file = System.IO.File.Create(path))
        {
            file.SetLength(StateFile.MaxBytes + 1L);
        }

        File().Load().Components.Should().BeEmpty();

        _logs.Lines.Should().ContainSingle(line => line.Contains("cannot be used (it is larger than 64 MiB)"));
    }

    [Fact]
    public void A_hundred_thousand_components_in_an_outage_with_their_incidents_read_back_whole()
    {
        var state = new SyncState();
        var worsened = new DateTimeOffset(2026, 12, 8, 0, 22, 55, 123, TimeSpan.Zero);
        for (var id = 1; id <= 100_000; id++)
        {
            state.Set(id, new ComponentMemory(
                LastWritten: MajorOutage, OpenIncident: 100_000 + id, SeenBeforeWrite: "2026-12-08 00:22:55", WorsenedAt: worsened, Shown: MajorOutage));
        }

        File().Save(state).Should().BeNull();
        var loaded = File().Load();

        new FileInfo(Path.Combine(_directory, "state.json")).Length.Should().BeGreaterThan(16L * 1024 * 1024, "past the cap this file once had");
        loaded.Components.Should().HaveCount(100_000);
        loaded.Components[100_000].OpenIncident.Should().Be(200_000, "an outage's incident ids are what a lost state file loses first");
        _logs.Lines.Should().NotContain(line => line.Contains("cannot be used"));
    }

    [Fact]
    public void A_fifo_nobody_writes_to_is_given_up_on()
    {
        var path = Path.Combine(_directory, "state.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path))
        {
            mkfifo.WaitForExit();
        }

        File().Load().Components.Should().BeEmpty();

        _logs.Lines.Should().ContainSingle(line => line.Contains("cannot be used (it gave no end within 10 s"));
    }

    [Fact]
    public void Saving_leaves_no_temp_file_and_two_savers_never_share_one()
    {
        var state = new SyncState();
        state.Set(3, new ComponentMemory(LastWritten: Operational));

        Parallel.For(0, 8, _ => File().Save(state));

        Directory.GetFiles(_directory).Should().Equal(Path.Combine(_directory, "state.json"));
        File().Load().Components.Should().BeEquivalentTo(state.Components);
        _logs.Lines.Should().NotContain(line => line.Contains("could not be written"));
    }

    [Fact]
    public void Unwritable_place_is_an_error_naming_the_file_not_a_crash()
    {
        var blocker = Path.Combine(_directory, "not-a-directory");
        System.IO.File.WriteAllText(blocker, "");

        var error = new StateFile(Path.Combine(blocker, "state.json"), _loggers.CreateLogger<StateFile>()).Save(new SyncState());

        error.Should().StartWith($"state file {Path.Combine(blocker, "state.json")} could not be written (");
        _logs.Lines.Should().ContainSingle(line => line.Contains("could not be written"));
    }

    public void Dispose()
    {
        _loggers.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
