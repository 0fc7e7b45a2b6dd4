using Microsoft.Extensions.Time.Testing;

namespace CachetSync.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose <see cref="Advance"/> runs timer continuations inline. Continuations are
/// never inlined on a thread that has a synchronization context (xUnit gives test threads one), so the advance
/// runs without it: when it returns, the code under test has already reacted.
/// </summary>
public sealed class FakeClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    /// <summary>
    /// Moves time forward one step at a time. A single big jump would fire a timer once, at the end of the jump,
    /// which is not how time passes for a scheduler.
    /// </summary>
    public void Pass(TimeSpan total, TimeSpan? step = null)
    {
        var size = step ?? TimeSpan.FromSeconds(1);
        for (var passed = TimeSpan.Zero; passed < total; passed += size)
        {
            Advance(size < total - passed ? size : total - passed);
        }
    }

    public new void Advance(TimeSpan delta) => Inline(() => base.Advance(delta));

    /// <summary>Runs <paramref name="action"/> where the continuations it triggers run before it returns.</summary>
    public static void Inline(Action action)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
