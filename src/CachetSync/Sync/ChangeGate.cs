using CachetSync.Configuration;
using CachetSync.State;
using CachetSync.Thresholds;

namespace CachetSync.Sync;

/// <summary>
/// Decides whether a status that differs from Cachet's is written now. Pure: the component's memory and the time
/// go in, the decision and the new memory come out.
/// </summary>
/// <remarks>
/// Two rules stand between a decision and a write. A status a human set by hand (Cachet differs from what
/// CachetSync last wrote) is left alone for <see cref="CachetSettings.ManualHoldFor"/>, when
/// <see cref="CachetSettings.RespectManualStatus"/> is on. And a change must be seen in enough cycles in a row
/// (<see cref="DampingSettings"/>), so a flapping server does not notify subscribers at every flap.
/// </remarks>
public sealed class ChangeGate(DampingSettings damping, CachetSettings cachet)
{
    /// <summary>A write Cachet confirmed but did not keep is written again this many times; then no more, and the cycle fails.</summary>
    public const int WritesNotKeptBeforeFailing = 3;

    /// <param name="WriteNotKept">Cachet shows what it showed before the last write, untouched since: it did not keep it.</param>
    public sealed record Decision(SyncAction Action, string? Note, ComponentMemory Memory, bool WriteNotKept = false);

    /// <param name="updatedAt">The component's change stamp as read this cycle (null where Cachet sends none).</param>
    public Decision Decide(ComponentStatus current, ComponentStatus desired, ComponentMemory memory, DateTimeOffset now, string? updatedAt = null)
    {
        if (memory.LastWritten is { } lastWritten && lastWritten != current && updatedAt is not null && updatedAt == memory.SeenBeforeWrite
            && memory.HeldUntil is null)
        {
            // Not what was written, yet the component is untouched since before the write: nobody set this by hand.
            // Cachet confirmed the write and did not keep it (a cache or replica behind, a plugin reverting).
            return NotKept(lastWritten, current, desired, memory, updatedAt);
        }

        if (memory.LastWritten == current && memory.WritesNotKept > 0)
        {
            memory = memory with { WritesNotKept = 0 };
        }

        if (cachet.RespectManualStatus)
        {
            if (memory.HeldUntil is { } until)
            {
                if (until > now)
                {
                    return new Decision(SyncAction.Held, $"status set by hand: left alone until {until:u}", memory);
                }

                // The hold is over: the human's status is the new baseline, and CachetSync takes over again.
                memory = memory with { HeldUntil = null, LastWritten = null };
            }
            else if (memory.LastWritten is { } written && written != current)
            {
                var heldUntil = now + cachet.ManualHoldFor;
                return new Decision(
                    SyncAction.Held,
                    $"status set by hand ({written} -> {current}): left alone until {heldUntil:u}",
                    memory with { HeldUntil = heldUntil, Pending = null, PendingCycles = 0 });
            }
        }

        if (desired == current)
        {
            return new Decision(SyncAction.Unchanged, null, memory with { Pending = null, PendingCycles = 0 });
        }

        var cycles = memory.Pending == desired ? memory.PendingCycles + 1 : 1;
        var needed = desired > current ? damping.ToWorse : damping.ToBetter;
        return cycles >= needed
            ? new Decision(SyncAction.Updated, null, memory with { Pending = null, PendingCycles = 0, SeenBeforeWrite = updatedAt })
            : new Decision(SyncAction.Damped, $"{desired} seen {cycles} of {needed} cycles in a row", memory with { Pending = desired, PendingCycles = cycles });
    }

    private static Decision NotKept(ComponentStatus written, ComponentStatus current, ComponentStatus desired, ComponentMemory memory, string updatedAt)
    {
        if (desired == current)
        {
            return new Decision(SyncAction.Unchanged, null, memory with { LastWritten = null, WritesNotKept = 0, Pending = null, PendingCycles = 0 });
        }

        var times = memory.WritesNotKept + 1;
        var what = $"Cachet confirmed writing {written} but shows {current} again, the component untouched since";
        return times >= WritesNotKeptBeforeFailing
            ? new Decision(SyncAction.Failed, $"{what} ({times} cycles in a row): not written again until Cachet keeps a write", memory with { WritesNotKept = times }, WriteNotKept: true)
            : new Decision(SyncAction.Updated, $"{what}: written again ({times} of {WritesNotKeptBeforeFailing})",
                memory with { WritesNotKept = times, Pending = null, PendingCycles = 0, SeenBeforeWrite = updatedAt }, WriteNotKept: true);
    }

    /// <summary>The memory after Cachet confirmed a write.</summary>
    public static ComponentMemory Written(ComponentMemory memory, ComponentStatus status) =>
        memory with { LastWritten = status, Pending = null, PendingCycles = 0, HeldUntil = null };
}
