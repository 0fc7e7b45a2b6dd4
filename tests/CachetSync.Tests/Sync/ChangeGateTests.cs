using CachetSync.Configuration;
using CachetSync.State;
using CachetSync.Sync;
using static CachetSync.Thresholds.ComponentStatus;

namespace CachetSync.Tests.Sync;

public sealed class ChangeGateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly CachetSettings Cachet = new() { ManualHoldFor = TimeSpan.FromHours(1) };

    [Fact]
    public void Without_damping_a_change_is_written_at_once()
    {
        var decision = new ChangeGate(DampingSettings.Immediate, Cachet).Decide(Operational, MajorOutage, ComponentMemory.Empty, Now);

        decision.Action.Should().Be(SyncAction.Updated);
    }

    [Fact]
    public void A_change_is_written_in_the_cycle_it_reaches_the_threshold()
    {
        var gate = new ChangeGate(new DampingSettings(3, 3), Cachet);
        var memory = ComponentMemory.Empty;
        var actions = new List<SyncAction>();

        for (var cycle = 0; cycle < 3; cycle++)
        {
            var decision = gate.Decide(Operational, MajorOutage, memory, Now);
            actions.Add(decision.Action);
            memory = decision.Memory;
        }

        actions.Should().Equal(SyncAction.Damped, SyncAction.Damped, SyncAction.Updated);
    }

    [Fact]
    public void Worse_and_better_have_their_own_thresholds()
    {
        var gate = new ChangeGate(new DampingSettings(ToWorse: 1, ToBetter: 2), Cachet);

        gate.Decide(Operational, PartialOutage, ComponentMemory.Empty, Now).Action.Should().Be(SyncAction.Updated);
        gate.Decide(PartialOutage, Operational, ComponentMemory.Empty, Now).Should()
            .BeEquivalentTo(new { Action = SyncAction.Damped, Note = "Operational seen 1 of 2 cycles in a row" });
    }

    [Fact]
    public void A_flapping_server_is_never_written_because_the_count_restarts()
    {
        var gate = new ChangeGate(new DampingSettings(2, 2), Cachet);
        var memory = ComponentMemory.Empty;

        foreach (var desired in new[] { MajorOutage, Operational, MajorOutage, Operational, MajorOutage })
        {
            var decision = gate.Decide(Operational, desired, memory, Now);
            decision.Action.Should().NotBe(SyncAction.Updated);
            memory = decision.Memory;
        }
    }

    [Fact]
    public void A_different_desired_status_restarts_the_count()
    {
        var gate = new ChangeGate(new DampingSettings(2, 2), Cachet);

        var first = gate.Decide(Operational, MajorOutage, ComponentMemory.Empty, Now);
        var second = gate.Decide(Operational, PartialOutage, first.Memory, Now);

        second.Action.Should().Be(SyncAction.Damped);
        second.Memory.Should().Be(new ComponentMemory(Pending: PartialOutage, PendingCycles: 1, Shown: Operational));
    }

    [Fact]
    public void A_status_changed_by_hand_is_held_and_then_taken_over_again()
    {
        var gate = new ChangeGate(DampingSettings.Immediate, Cachet with { RespectManualStatus = true });
        var written = ChangeGate.Written(ComponentMemory.Empty, MajorOutage);

        var noticed = gate.Decide(PerformanceIssues, MajorOutage, written, Now);
        var stillHeld = gate.Decide(PerformanceIssues, MajorOutage, noticed.Memory, Now.AddMinutes(59));
        var released = gate.Decide(PerformanceIssues, MajorOutage, stillHeld.Memory, Now.AddMinutes(61));

        noticed.Action.Should().Be(SyncAction.Held);
        noticed.Note.Should().Be("status set by hand (MajorOutage -> PerformanceIssues): left alone until 2026-11-26 11:00:00Z");
        stillHeld.Action.Should().Be(SyncAction.Held);
        released.Action.Should().Be(SyncAction.Updated);
    }

    [Fact]
    public void Manual_changes_are_ignored_unless_asked_for()
    {
        var gate = new ChangeGate(DampingSettings.Immediate, Cachet);

        gate.Decide(PerformanceIssues, MajorOutage, ChangeGate.Written(ComponentMemory.Empty, MajorOutage), Now).Action
            .Should().Be(SyncAction.Updated);
    }

    [Fact]
    public void Two_writers_holding_each_other_s_writes_as_a_human_s_are_told_apart_within_a_day()
    {
        var respect = new CachetSettings { ManualHoldFor = TimeSpan.FromHours(1), RespectManualStatus = true };
        var gate = new ChangeGate(DampingSettings.Immediate, respect);
        // CachetSync wrote Operational; the other writer sets Performance Issues again after each hold of ours ends.
        var memory = ChangeGate.Written(ComponentMemory.Empty, Operational);
        var actions = new List<SyncAction>();
        var at = Now;
        for (var round = 0; round < 3; round++)
        {
            var noticed = gate.Decide(PerformanceIssues, Operational, memory, at);
            actions.Add(noticed.Action);
            if (noticed.Action == SyncAction.Failed)
            {
                noticed.OtherWriter.Should().BeTrue();
                noticed.Note.Should().StartWith("another writer: CachetSync's writes were changed by someone else 3 times within 24 h");
                break;
            }

            var released = gate.Decide(PerformanceIssues, Operational, noticed.Memory, at.AddMinutes(61));
            released.Action.Should().Be(SyncAction.Updated);
            memory = ChangeGate.Written(released.Memory, Operational);
            at = at.AddHours(2);
        }

        actions.Should().Equal(SyncAction.Held, SyncAction.Held, SyncAction.Failed);
    }

    [Fact]
    public void A_component_another_writer_drives_is_written_again_after_an_hour_in_which_nobody_changed_it()
    {
        var gate = new ChangeGate(DampingSettings.Immediate, Cachet);
        var contested = ComponentMemory.Empty with { OtherWriterUntil = Now.AddHours(1), Shown = PerformanceIssues, Undone = 3, UndoneSince = Now };

        var changedAgain = gate.Decide(MajorOutage, Operational, contested, Now.AddMinutes(50));
        changedAgain.Action.Should().Be(SyncAction.Failed);
        changedAgain.Memory.OtherWriterUntil.Should().Be(Now.AddMinutes(110), "a change by anyone else moves the end on");
        gate.Decide(MajorOutage, Operational, changedAgain.Memory, Now.AddMinutes(109)).Action.Should().Be(SyncAction.Failed);

        var quiet = gate.Decide(MajorOutage, Operational, changedAgain.Memory, Now.AddMinutes(111));
        quiet.Action.Should().Be(SyncAction.Updated);
        quiet.Memory.OtherWriterUntil.Should().BeNull();
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(6, 8)]
    [InlineData(9, 60)]
    [InlineData(100, 60)]
    public void Writes_not_kept_are_retried_with_a_back_off_of_at_most_an_hour(int writesNotKept, int minutes) =>
        ChangeGate.RetryDelay(writesNotKept).Should().Be(TimeSpan.FromMinutes(minutes));

    [Fact]
    public void A_hold_stretched_by_a_wall_clock_stepped_back_lasts_no_longer_than_a_hold_from_now()
    {
        var gate = new ChangeGate(DampingSettings.Immediate, new CachetSettings { ManualHoldFor = TimeSpan.FromHours(1), RespectManualStatus = true });
        var held = ChangeGate.Written(ComponentMemory.Empty, MajorOutage) with { HeldUntil = Now.AddHours(1) };

        // The clock stepped back three hours: the hold would otherwise last four.
        var decision = gate.Decide(PerformanceIssues, MajorOutage, held, Now.AddHours(-3));

        decision.Action.Should().Be(SyncAction.Held);
        decision.Memory.HeldUntil.Should().Be(Now.AddHours(-2));
    }
}
