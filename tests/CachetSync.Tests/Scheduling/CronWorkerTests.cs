using CachetSync.Configuration;
using CachetSync.Scheduling;
using CachetSync.Tests.Support;
using Cronos;
using Microsoft.Extensions.Logging;

namespace CachetSync.Tests.Scheduling;

/// <summary>
/// The worker is driven by a fake clock: advancing it (outside xUnit's synchronization context, see
/// <see cref="FakeClock"/>) fires the worker's timer and runs its continuation on the spot, so every assertion
/// sees a settled state without a single real sleep.
/// </summary>
public sealed class CronWorkerTests : IDisposable
{
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<DateTimeOffset> _cycleTimes = [];
    private FakeClock _clock = new(DateTimeOffset.UnixEpoch);
    private SteppedClock _wall = new(new FakeClock(DateTimeOffset.UnixEpoch));

    public CronWorkerTests()
    {
        _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
    }

    private Task Start(string cron, string timeZone, DateTimeOffset startAt, Func<CancellationToken, Task>? cycle = null, bool runAtStart = false)
    {
        _clock = new FakeClock(startAt);
        _wall = new SteppedClock(_clock);
        var seconds = cron.Split(' ').Length == 6;
        var schedule = new ScheduleSettings(
            CronExpression.Parse(cron, seconds ? CronFormat.IncludeSeconds : CronFormat.Standard), cron, TimeZoneInfo.FindSystemTimeZoneById(timeZone), runAtStart);
        var worker = new CronWorker(schedule, (_, token) =>
        {
            _cycleTimes.Add(_wall.GetUtcNow());
            return cycle?.Invoke(token) ?? Task.CompletedTask;
        }, _wall, _loggerFactory.CreateLogger<CronWorker>());
        return worker.RunAsync(_stop.Token);
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Runs_one_cycle_at_each_occurrence()
    {
        _ = Start("* * * * *", "UTC", Utc("2026-11-26T10:00:30"));

        _clock.Pass(TimeSpan.FromSeconds(29));
        _cycleTimes.Should().BeEmpty();
        _clock.Pass(TimeSpan.FromSeconds(1));
        _clock.Pass(TimeSpan.FromMinutes(2));

        _cycleTimes.Should().Equal(Utc("2026-11-26T10:01:00"), Utc("2026-11-26T10:02:00"), Utc("2026-11-26T10:03:00"));
        _logs.Lines.Should().Contain(line => line.Contains("Next cycle at 2026-11-26 10:04:00Z"));
    }

    [Fact]
    public void Says_its_schedule_and_first_run_when_it_starts()
    {
        _ = Start("*/2 * * * *", "UTC", Utc("2026-11-26T10:00:30"));

        _logs.Lines.Should().Contain(line => line.Contains("Worker started: schedule \"*/2 * * * *\" (UTC), first cycle at 2026-11-26 10:02:00Z"));
        _cycleTimes.Should().BeEmpty();
    }

    [Fact]
    public void Run_at_start_runs_one_cycle_at_once_then_keeps_to_the_schedule()
    {
        _ = Start("*/2 * * * *", "UTC", Utc("2026-11-26T10:00:30"), runAtStart: true);

        _cycleTimes.Should().Equal(Utc("2026-11-26T10:00:30"));
        _logs.Lines.Should().Contain(line => line.Contains("first cycle now (RunAtStart), then at 2026-11-26 10:02:00Z"));
        _clock.Pass(TimeSpan.FromSeconds(90));

        _cycleTimes.Should().Equal(Utc("2026-11-26T10:00:30"), Utc("2026-11-26T10:02:00"));
    }

    [Fact]
    public void Six_field_expressions_run_on_seconds()
    {
        _ = Start("*/15 * * * * *", "UTC", Utc("2026-11-26T10:00:01"));

        _clock.Pass(TimeSpan.FromSeconds(59));

        _cycleTimes.Should().Equal(Utc("2026-11-26T10:00:15"), Utc("2026-11-26T10:00:30"), Utc("2026-11-26T10:00:45"), Utc("2026-11-26T10:01:00"));
    }

    [Fact]
    public void Occurrence_that_finds_a_cycle_still_running_is_skipped_and_logged()
    {
        var stuck = new TaskCompletionSource();
        _ = Start("* * * * *", "UTC", Utc("2026-11-26T10:00:30"), _ => _cycleTimes.Count == 1 ? stuck.Task : Task.CompletedTask);

        _clock.Pass(TimeSpan.FromSeconds(30) + TimeSpan.FromMinutes(2));
        _cycleTimes.Should().HaveCount(1);
        _logs.Lines.Count(line => line.Contains("Skipped the cycle due at")).Should().Be(2);

        FakeClock.Inline(stuck.SetResult);
        _clock.Pass(TimeSpan.FromMinutes(1));
        _cycleTimes.Should().Equal(Utc("2026-11-26T10:01:00"), Utc("2026-11-26T10:04:00"));
    }

    [Fact]
    public void Cron_is_read_in_the_configured_time_zone()
    {
        // 09:00 in Berlin is 08:00 UTC in November (CET, UTC+1).
        _ = Start("0 9 * * *", "Europe/Berlin", Utc("2026-11-26T07:00:00"));

        _clock.Pass(TimeSpan.FromMinutes(59));
        _cycleTimes.Should().BeEmpty();
        _clock.Pass(TimeSpan.FromMinutes(1));

        _cycleTimes.Should().Equal(Utc("2026-11-26T08:00:00"));
    }

    [Fact]
    public void Time_skipped_by_daylight_saving_runs_once_right_after_the_gap()
    {
        // 2026-03-29 02:00 Berlin jumps to 03:00: 02:30 never happens; Cronos runs it at 03:00 CEST (01:00 UTC).
        _ = Start("30 2 * * *", "Europe/Berlin", Utc("2026-03-28T23:00:00"));

        _clock.Pass(TimeSpan.FromHours(5));

        _cycleTimes.Should().Equal(Utc("2026-03-29T01:00:00"));
    }

    [Fact]
    public void Time_repeated_by_daylight_saving_runs_only_once()
    {
        // 2026-10-25 03:00 CEST goes back to 02:00 CET: 02:30 happens twice (00:30 and 01:30 UTC).
        _ = Start("30 2 * * *", "Europe/Berlin", Utc("2026-10-24T22:00:00"));

        _clock.Pass(TimeSpan.FromHours(5));

        _cycleTimes.Should().Equal(Utc("2026-10-25T00:30:00"));
    }

    [Fact]
    public async Task Stop_while_waiting_ends_the_worker_without_another_cycle()
    {
        var worker = Start("* * * * *", "UTC", Utc("2026-11-26T10:00:30"));

        await _stop.CancelAsync();
        _clock.Pass(TimeSpan.FromMinutes(5));

        await worker.WaitAsync(TimeSpan.FromSeconds(10));
        worker.IsCompletedSuccessfully.Should().BeTrue();
        _cycleTimes.Should().BeEmpty();
    }

    [Fact]
    public async Task Stop_during_a_cycle_lets_it_wind_down_before_the_worker_ends()
    {
        var windDown = new TaskCompletionSource();
        CancellationToken seen = default;
        var worker = Start("* * * * *", "UTC", Utc("2026-11-26T10:00:30"), token =>
        {
            seen = token;
            return windDown.Task;
        });
        _clock.Pass(TimeSpan.FromSeconds(30));

        await _stop.CancelAsync();

        seen.IsCancellationRequested.Should().BeTrue("the cycle is told to stop");
        worker.IsCompleted.Should().BeFalse("the worker waits for the cycle in flight");
        windDown.SetResult();
        await worker.WaitAsync(TimeSpan.FromSeconds(10));
        _cycleTimes.Should().HaveCount(1);
    }

    [Fact]
    public void A_failing_cycle_is_logged_and_the_next_occurrence_still_runs()
    {
        _ = Start("* * * * *", "UTC", Utc("2026-11-26T10:00:30"),
            _ => _cycleTimes.Count == 1 ? Task.FromException(new InvalidOperationException("boom")) : Task.CompletedTask);

        _clock.Pass(TimeSpan.FromSeconds(90));

        _cycleTimes.Should().HaveCount(2);
        _logs.Lines.Should().Contain(line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("boom"));
    }

    [Fact]
    public void A_wall_clock_stepped_back_an_hour_costs_a_ten_second_schedule_no_more_than_one_cycle()
    {
        _ = Start("*/10 * * * * *", "UTC", Utc("2026-11-26T10:00:05"));
        _clock.Pass(TimeSpan.FromSeconds(20));
        _cycleTimes.Should().Equal(Utc("2026-11-26T10:00:10"), Utc("2026-11-26T10:00:20"));

        _wall.Step(TimeSpan.FromHours(-1));
        _clock.Pass(TimeSpan.FromSeconds(30));

        _cycleTimes.Should().HaveCount(5, "the schedule goes on every 10 s of real time; it does not wait out the hour");
        _cycleTimes.Skip(2).Should().Equal(Utc("2026-11-26T09:00:30"), Utc("2026-11-26T09:00:40"), Utc("2026-11-26T09:00:50"));
    }

    [Fact]
    public void A_wall_clock_stepped_forward_an_hour_runs_the_next_cycle_once_not_once_per_missed_occurrence()
    {
        _ = Start("*/10 * * * * *", "UTC", Utc("2026-11-26T10:00:05"));
        _clock.Pass(TimeSpan.FromSeconds(10));

        _wall.Step(TimeSpan.FromHours(1));
        _clock.Pass(TimeSpan.FromSeconds(20));

        _cycleTimes.Should().HaveCount(3, "one cycle when the wait ends, then the schedule from the new time: not 360 at once");
        _cycleTimes[0].Should().Be(Utc("2026-11-26T10:00:10"));
        (_cycleTimes[2] - _cycleTimes[1]).Should().Be(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loggerFactory.Dispose();
        _stop.Dispose();
    }
}
