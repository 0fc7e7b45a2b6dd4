using CachetSync.Configuration;
using CachetSync.State;
using CachetSync.Thresholds;

namespace CachetSync.Sync;

/// <summary>
/// Decides whether a status that differs from Cachet's is written now. Pure: the component's memory and the time
/// go in, the decision and the new memory come out.
/// </summary>
/// <remarks>
/// What stands between a decision and a write:
/// <list type="bullet">
/// <item>A write Cachet did not keep (the writer's read-back, or the old row seen again next cycle) is written again
/// with a back-off, never given up for good: a Cachet that starts keeping writes gets them.</item>
/// <item>A status someone else set after CachetSync's write (read back as kept, so no lost write) is a human's — left
/// alone for <see cref="CachetSettings.ManualHoldFor"/> with <see cref="CachetSettings.RespectManualStatus"/> — until
/// it happens <see cref="UndoneForOtherWriter"/> times within <see cref="UndoneWindow"/>: then it is another writer
/// (a second CachetSync, an old CronJob), and the component is not written until it has been quiet for
/// <see cref="OtherWriterQuiet"/>. Two writers with different thresholds once changed a page 590 times in 5 minutes.</item>
/// <item>A change must be seen in enough cycles in a row (<see cref="DampingSettings"/>), so a flapping server does
/// not notify subscribers at every flap.</item>
/// </list>
/// </remarks>
public sealed class ChangeGate(DampingSettings damping, CachetSettings cachet)
{
    /// <summary>Writes not kept that are written again at once; after more, each waits longer (<see cref="RetryDelay"/>).</summary>
    public const int WritesNotKeptRetriedAtOnce = 2;

    /// <summary>The longest a write not kept waits before it is tried again.</summary>
    public static readonly TimeSpan LongestRetryDelay = TimeSpan.FromHours(1);

    /// <summary>
    /// A human corrects a component now and then; three of CachetSync's writes changed by someone else within a day is
    /// a writer that disagrees with it. Two writers holding each other's changes as a human's for an hour (the default
    /// hold) undo each other about every two hours: a day sees it.
    /// </summary>
    public const int UndoneForOtherWriter = 3;

    public static readonly TimeSpan UndoneWindow = TimeSpan.FromDays(1);

    /// <summary>How long a component another writer drives must show no change by anyone before CachetSync writes it again.</summary>
    public static readonly TimeSpan OtherWriterQuiet = TimeSpan.FromHours(1);

    /// <param name="WriteNotKept">Cachet showed the old row again: it did not keep CachetSync's last write.</param>
    /// <param name="OtherWriter">Another writer drives the component: nothing is written to it.</param>
    public sealed record Decision(SyncAction Action, string? Note, ComponentMemory Memory, bool WriteNotKept = false, bool OtherWriter = false);

    /// <param name="updatedAt">The component's change stamp as read this cycle (null where Cachet sends none).</param>
    public Decision Decide(ComponentStatus current, ComponentStatus desired, ComponentMemory memory, DateTimeOffset now, string? updatedAt = null)
    {
        // What the component showed, whoever set it: a change since is someone else's, on a component CachetSync never
        // wrote too (a write's own memory comes from the writer, with what it wrote).
        var decision = Gate(current, desired, memory, now, updatedAt);
        return decision.Action == SyncAction.Updated ? decision : decision with { Memory = decision.Memory with { Shown = current } };
    }

    private Decision Gate(ComponentStatus current, ComponentStatus desired, ComponentMemory memory, DateTimeOffset now, string? updatedAt)
    {
        if (memory.OtherWriterUntil is { } contested)
        {
            // Each change by anyone else while it lasts moves the end on: the other writer is still at work.
            contested = memory.Shown == current ? contested : now + OtherWriterQuiet;
            if (contested > now)
            {
                return new Decision(SyncAction.Failed, OtherWriterNote(memory.Undone, contested),
                    memory with { OtherWriterUntil = contested, Shown = current, Pending = null, PendingCycles = 0 }, OtherWriter: true);
            }

            memory = memory with { OtherWriterUntil = null, Shown = null };
        }

        if (memory.LastWritten is { } written && written != current && memory.HeldUntil is null)
        {
            if (memory.SeenBeforeWrite is not null && updatedAt == memory.SeenBeforeWrite)
            {
                // The row from before the write, stamp and all: a replica or cache behind, not anyone's edit.
                return NotKept(written, current, desired, memory, now);
            }

            var undone = memory.UndoneSince is { } since && now - since < UndoneWindow ? memory.Undone + 1 : 1;
            memory = memory with { Undone = undone, UndoneSince = undone == 1 ? now : memory.UndoneSince };
            if (undone >= UndoneForOtherWriter)
            {
                var until = now + OtherWriterQuiet;
                return new Decision(SyncAction.Failed, OtherWriterNote(undone, until),
                    memory with { OtherWriterUntil = until, Shown = current, LastWritten = null, Pending = null, PendingCycles = 0 }, OtherWriter: true);
            }

            if (!cachet.RespectManualStatus)
            {
                // Counted once: what Cachet shows is the baseline now.
                memory = memory with { LastWritten = null };
            }
        }

        if (memory.LastWritten == current && memory.WritesNotKept > 0)
        {
            memory = memory with { WritesNotKept = 0, RetryAfter = null };
        }

        if (cachet.RespectManualStatus)
        {
            if (memory.HeldUntil is { } until)
            {
                // A hold further off than a whole hold is a wall clock stepped back since: it ends a hold from now.
                until = until - now > cachet.ManualHoldFor ? now + cachet.ManualHoldFor : until;
                if (until > now)
                {
                    return new Decision(SyncAction.Held, $"status set by hand: left alone until {until:u}", memory with { HeldUntil = until });
                }

                // The hold is over: the human's status is the new baseline, and CachetSync takes over again.
                memory = memory with { HeldUntil = null, LastWritten = null };
            }
            else if ((memory.LastWritten ?? memory.Shown) is { } byHand && byHand != current)
            {
                // Changed since CachetSync wrote it, or since it last looked at a component it never wrote (a healthy
                // server's component, "unchanged" for months, set to Partial Outage for an edge's maintenance).
                var heldUntil = now + cachet.ManualHoldFor;
                return new Decision(
                    SyncAction.Held,
                    $"status set by hand ({byHand} -> {current}): left alone until {heldUntil:u}",
                    memory with { HeldUntil = heldUntil, Pending = null, PendingCycles = 0 });
            }
        }

        if (desired == current)
        {
            return new Decision(SyncAction.Unchanged, null, memory with { Pending = null, PendingCycles = 0, WritesNotKept = 0, RetryAfter = null });
        }

        if (memory is { WritesNotKept: > 0, RetryAfter: { } retry } && retry > now)
        {
            return new Decision(SyncAction.Failed, $"Cachet did not keep the last {memory.WritesNotKept} writes of this component: written again after {retry:u}", memory);
        }

        var cycles = memory.Pending == desired ? memory.PendingCycles + 1 : 1;
        var needed = desired > current ? damping.ToWorse : damping.ToBetter;
        return cycles >= needed
            ? new Decision(SyncAction.Updated, null, memory with { Pending = null, PendingCycles = 0, SeenBeforeWrite = updatedAt })
            : new Decision(SyncAction.Damped, $"{desired} seen {cycles} of {needed} cycles in a row", memory with { Pending = desired, PendingCycles = cycles });
    }

    /// <summary>Cachet showed the old row after a write it had read back: written again now, or after the back-off.</summary>
    private static Decision NotKept(ComponentStatus written, ComponentStatus current, ComponentStatus desired, ComponentMemory memory, DateTimeOffset now)
    {
        memory = memory with { LastWritten = null, SeenBeforeWrite = null };
        if (desired == current)
        {
            return new Decision(SyncAction.Unchanged, null, memory with { WritesNotKept = 0, RetryAfter = null, Pending = null, PendingCycles = 0 });
        }

        var notKept = NotKeptAgain(memory, now);
        var what = $"Cachet showed {current} again after writing {written}, the component untouched since: not kept ({notKept.WritesNotKept} in a row)";
        return notKept.RetryAfter is { } retry && retry > now
            ? new Decision(SyncAction.Failed, $"{what}; written again after {retry:u}", notKept, WriteNotKept: true)
            : new Decision(SyncAction.Updated, $"{what}; written again", notKept with { Pending = null, PendingCycles = 0 }, WriteNotKept: true);
    }

    /// <summary>One more write not kept: counted, and the next one put off by the back-off.</summary>
    public static ComponentMemory NotKeptAgain(ComponentMemory memory, DateTimeOffset now)
    {
        var times = memory.WritesNotKept + 1;
        return memory with { WritesNotKept = times, RetryAfter = now + RetryDelay(times), LastWritten = null, SeenBeforeWrite = null, Shown = null };
    }

    /// <summary>None for the first writes not kept (a replica a moment behind), then 1, 2, 4 … minutes, at most an hour.</summary>
    public static TimeSpan RetryDelay(int writesNotKept) =>
        writesNotKept <= WritesNotKeptRetriedAtOnce ? TimeSpan.Zero
        : TimeSpan.FromMinutes(Math.Min(Math.Pow(2, writesNotKept - WritesNotKeptRetriedAtOnce - 1), LongestRetryDelay.TotalMinutes));

    private static string OtherWriterNote(int undone, DateTimeOffset until) =>
        $"another writer: CachetSync's writes were changed by someone else {undone} times within {UndoneWindow.TotalHours:0} h (a second CachetSync, an old CronJob, a script?): " +
        $"not written until an hour passes with no change by anyone, at the earliest {until:u}";

    /// <summary>The memory after Cachet confirmed a write and showed it when read back.</summary>
    /// <param name="stampMoved">The write moved the component's change stamp: seeing the old one again then means the old row.</param>
    public static ComponentMemory Written(ComponentMemory memory, ComponentStatus status, bool stampMoved = false) =>
        memory with
        {
            LastWritten = status, Shown = status, Pending = null, PendingCycles = 0, HeldUntil = null, WritesNotKept = 0, RetryAfter = null,
            SeenBeforeWrite = stampMoved ? memory.SeenBeforeWrite : null,
        };
}
