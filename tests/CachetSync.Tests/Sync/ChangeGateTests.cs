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
        second.Memory.Should().Be(new ComponentMemory(Pending: PartialOutage, PendingCycles: 1));
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
}
