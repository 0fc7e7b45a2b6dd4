using System.Globalization;
using CachetSync.Configuration;
using CachetSync.Telemetry;
using CachetSync.Tests.Support;
using Cronos;

namespace CachetSync.Tests.Telemetry;

/// <summary>What /healthz and /readyz decide, on a fake clock and a five-minute schedule.</summary>
public sealed class WorkerHealthTests
{
    private readonly FakeClock _clock = new(DateTimeOffset.Parse("2026-11-26T10:00:30Z", CultureInfo.InvariantCulture));
    private readonly WorkerHealth _health;

    public WorkerHealthTests() =>
        _health = new WorkerHealth(new ScheduleSettings(CronExpression.Parse("*/5 * * * *"), "*/5 * * * *", TimeZoneInfo.Utc), _clock);

    private void At(string time) => _clock.SetUtcNow(DateTimeOffset.Parse($"2026-11-26T{time}Z", CultureInfo.InvariantCulture));

    [Fact]
    public void Alive_until_two_occurrences_pass_without_a_finished_cycle()
    {
        At("10:09:59");
        _health.Liveness().Alive.Should().BeTrue("the cycles due at 10:05 and 10:10 may still finish");
        At("10:10:01");
        var (alive, reason) = _health.Liveness();
        alive.Should().BeFalse();
        reason.Should().Contain("no cycle finished yet").And.Contain("10:05:00Z").And.Contain("10:10:00Z");
    }

    [Fact]
    public void A_finished_cycle_moves_the_deadline_to_the_second_occurrence_after_it()
    {
        At("10:05:40");
        _health.CycleFinished();
        At("10:14:59");
        _health.Liveness().Alive.Should().BeTrue();
        At("10:15:01");
        _health.Liveness().Should().Be((false, "last cycle finished 2026-11-26 10:05:40Z; cycles were due 2026-11-26 10:10:00Z and 2026-11-26 10:15:00Z: the worker is stuck"));
    }

    [Fact]
    public void A_wall_clock_stepped_forward_an_hour_does_not_make_a_working_worker_look_stuck()
    {
        var monotonic = new FakeClock(DateTimeOffset.Parse("2026-11-26T10:00:30Z", CultureInfo.InvariantCulture));
        var wall = new SteppedClock(monotonic);
        var health = new WorkerHealth(new ScheduleSettings(CronExpression.Parse("*/5 * * * *"), "*/5 * * * *", TimeZoneInfo.Utc), wall);
        monotonic.Advance(TimeSpan.FromMinutes(5));
        health.CycleFinished();

        wall.Step(TimeSpan.FromHours(1));
        monotonic.Advance(TimeSpan.FromMinutes(1));
        health.Liveness().Alive.Should().BeTrue("a minute has passed since the last cycle, whatever the wall clock says");
        wall.Step(TimeSpan.FromHours(-2));
        health.Liveness().Alive.Should().BeTrue();
        monotonic.Advance(TimeSpan.FromMinutes(9));
        health.Liveness().Alive.Should().BeFalse("ten minutes without a cycle is stuck on any wall clock");
    }

    [Fact]
    public void Ready_once_a_cycle_finished_and_until_the_worker_stops()
    {
        _health.Readiness().Ready.Should().BeFalse("metrics describe nothing before the first cycle");
        _health.CycleFinished();
        _health.Readiness().Ready.Should().BeTrue();
        _health.Stopping();
        _health.Readiness().Should().Be((false, "stopping"));
    }
}
