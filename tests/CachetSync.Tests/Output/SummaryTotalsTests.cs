using CachetSync.Output;
using CachetSync.Probing;
using CachetSync.Sync;
using CachetSync.Thresholds;

namespace CachetSync.Tests.Output;

/// <summary>The table's last line, read by a person at a glance: counts with their nouns, and whose counts they are.</summary>
public sealed class SummaryTotalsTests
{
    private static ServerOutcome Outcome(string name, ProbeResult probe, SyncAction action) =>
        new(name, probe, null, new StatusDecision(ComponentStatus.MajorOutage, "-"), 1, ComponentStatus.Operational, action, null);

    private static string Totals(params ServerOutcome[] outcomes) => SummaryTable.Totals(
        new CycleSummary(outcomes, null, new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1), DryRun: false, Stopped: false));

    [Fact]
    public void One_server_and_one_failed_probe_are_singular()
    {
        Totals(Outcome("edge-1", ProbeResult.Failed(ProbeKind.Timeout, TimeSpan.FromSeconds(1), "no answer"), SyncAction.Updated))
            .Should().StartWith("1 server in 1.0 s, 1 probe failed; components: 1 updated.");
    }

    [Fact]
    public void Many_are_plural_and_a_failed_write_is_not_read_as_a_failed_probe()
    {
        var notProbed = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, IcmpProber.NotPermitted);

        Totals(Outcome("edge-1", notProbed, SyncAction.Failed), Outcome("edge-2", notProbed, SyncAction.Failed))
            .Should().StartWith("2 servers in 1.0 s, 0 probes failed; components: 2 failed.");
    }

    [Theory]
    [InlineData(0, "0 problems")]
    [InlineData(1, "1 problem")]
    [InlineData(12, "12 problems")]
    public void A_count_takes_its_noun_in_the_right_number(int count, string expected) =>
        Counted.Of(count, "problem").Should().Be(expected);
}
