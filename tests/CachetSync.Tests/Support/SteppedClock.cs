namespace CachetSync.Tests.Support;

/// <summary>
/// A wall clock that can be stepped (NTP correcting it, a VM restored) while the monotonic clock, and every timer on
/// it, runs on as the <see cref="FakeClock"/> beneath it passes. FakeTimeProvider alone ties the two together and
/// refuses to go back.
/// </summary>
public sealed class SteppedClock(FakeClock monotonic) : TimeProvider
{
    private TimeSpan _step;

    public FakeClock Monotonic => monotonic;

    /// <summary>Moves the wall clock alone: forward with a positive step, back with a negative one.</summary>
    public void Step(TimeSpan by) => _step += by;

    public override DateTimeOffset GetUtcNow() => monotonic.GetUtcNow() + _step;

    public override long GetTimestamp() => monotonic.GetTimestamp();

    public override long TimestampFrequency => monotonic.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => monotonic.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        monotonic.CreateTimer(callback, state, dueTime, period);
}
