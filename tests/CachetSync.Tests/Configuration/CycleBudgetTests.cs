using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

public sealed class CycleBudgetTests
{
    private static readonly ProbeSettings FiveSecondProbes = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public void A_worker_s_cycle_may_take_nine_tenths_of_the_time_to_its_next_one()
    {
        FiveSecondProbes.BudgetFor(TimeSpan.FromMinutes(2)).Should().Be(TimeSpan.FromSeconds(108));
    }

    [Fact]
    public void A_configured_budget_bounds_a_worker_only_when_it_is_shorter_than_the_schedule_leaves()
    {
        var bounded = FiveSecondProbes with { CycleBudget = TimeSpan.FromSeconds(30) };

        bounded.BudgetFor(TimeSpan.FromMinutes(2)).Should().Be(TimeSpan.FromSeconds(30));
        bounded.BudgetFor(TimeSpan.FromSeconds(20)).Should().Be(TimeSpan.FromSeconds(18), "the next cycle comes first");
    }

    [Fact]
    public void A_once_run_takes_its_configured_budget_or_fifty_seconds()
    {
        FiveSecondProbes.BudgetFor(null).Should().Be(ProbeSettings.OnceBudget).And.Be(TimeSpan.FromSeconds(50));
        (FiveSecondProbes with { CycleBudget = TimeSpan.FromMinutes(4) }).BudgetFor(null).Should().Be(TimeSpan.FromMinutes(4));
    }

    [Fact]
    public void No_budget_is_shorter_than_a_timeout_and_a_half_so_a_probe_started_late_still_has_its_whole_timeout()
    {
        FiveSecondProbes.BudgetFor(TimeSpan.FromSeconds(2)).Should().Be(TimeSpan.FromSeconds(7.5));
        (FiveSecondProbes with { CycleBudget = TimeSpan.FromSeconds(1) }).BudgetFor(null).Should().Be(TimeSpan.FromSeconds(7.5));
    }
}
