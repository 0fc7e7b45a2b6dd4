using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.Thresholds;
using static CachetSync.Thresholds.ComponentStatus;

namespace CachetSync.Tests.Thresholds;

public sealed class ThresholdMapperTests
{
    private static readonly ThresholdSettings Defaults = ThresholdSettings.BuiltIn;

    private static ProbeResult Http(int code, int milliseconds = 50) =>
        ProbeResult.Answered(code, TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>Reports from a source that gives no audience.</summary>
    private static ServerReports Count(int reports) => new(reports, null, ReportCounts.DefaultMinAudience);

    /// <summary>Reports from an audience, judged as a rate from <paramref name="minAudience"/> viewers on.</summary>
    private static ServerReports Of(int reports, long audience, long minAudience = ReportCounts.DefaultMinAudience) =>
        new(reports, audience, minAudience);

    /// <summary>Night and prime time alike: 5‰ of the audience is a partial outage, 20‰ a major one; 20 reports if no rate can be had.</summary>
    private static readonly ThresholdSettings Mixed = Defaults with
    {
        Reports = [new ReportThreshold(20, PartialOutage)],
        ReportRates = [new ReportRateThreshold(5, PartialOutage), new ReportRateThreshold(20, MajorOutage)],
    };

    public static TheoryData<int, ComponentStatus> StatusCodeCases => new()
    {
        { 200, Operational }, { 204, Operational }, { 299, Operational },
        { 429, PerformanceIssues },
        { 500, MajorOutage }, { 503, MajorOutage }, { 599, MajorOutage },
        { 404, MajorOutage }, // default
        { 302, MajorOutage }, // a redirect left unfollowed is not healthy
    };

    [Theory]
    [MemberData(nameof(StatusCodeCases))]
    public void Maps_status_code_through_built_in_rules(int code, ComponentStatus expected) =>
        ThresholdMapper.Map(Http(code), null, Defaults).Status.Should().Be(expected);

    [Fact]
    public void Exact_code_beats_a_range_that_contains_it()
    {
        var thresholds = Defaults with
        {
            StatusCodes = new StatusCodeMap(
                [new StatusCodeRule(500, 599, MajorOutage), new StatusCodeRule(503, 503, PartialOutage)], Operational),
        };

        ThresholdMapper.Map(Http(503), null, thresholds).Status.Should().Be(PartialOutage);
        ThresholdMapper.Map(Http(502), null, thresholds).Status.Should().Be(MajorOutage);
    }

    [Fact]
    public void Narrower_range_beats_a_wider_one_and_default_catches_the_rest()
    {
        var thresholds = Defaults with
        {
            StatusCodes = new StatusCodeMap(
                [new StatusCodeRule(400, 599, MajorOutage), new StatusCodeRule(400, 499, PerformanceIssues)], PartialOutage),
        };

        ThresholdMapper.Map(Http(404), null, thresholds).Status.Should().Be(PerformanceIssues);
        ThresholdMapper.Map(Http(500), null, thresholds).Status.Should().Be(MajorOutage);
        ThresholdMapper.Map(Http(200), null, thresholds).Status.Should().Be(PartialOutage);
    }

    [Theory]
    [InlineData(1500, Operational)] // not above the threshold
    [InlineData(1501, PerformanceIssues)]
    [InlineData(4000, PerformanceIssues)]
    public void Slow_answer_is_worse_than_operational(int milliseconds, ComponentStatus expected) =>
        ThresholdMapper.Map(Http(200, milliseconds), null, Defaults).Status.Should().Be(expected);

    [Fact]
    public void Slow_never_improves_a_worse_status_code() =>
        ThresholdMapper.Map(Http(503, 4000), null, Defaults).Status.Should().Be(MajorOutage);

    [Fact]
    public void SlowAfter_off_ignores_latency() =>
        ThresholdMapper.Map(Http(200, 60_000), null, Defaults with { SlowAfter = null }).Status.Should().Be(Operational);

    [Fact]
    public void Timeout_maps_to_the_timeout_status()
    {
        var probe = ProbeResult.Failed(ProbeKind.Timeout, TimeSpan.FromSeconds(5), "no answer within 5 s");

        var decision = ThresholdMapper.Map(probe, null, Defaults with { Timeout = PartialOutage });

        decision.Should().Be(new StatusDecision(PartialOutage, "no answer within 5 s"));
    }

    [Theory]
    [InlineData(ProbeKind.ConnectionRefused)]
    [InlineData(ProbeKind.DnsFailure)]
    [InlineData(ProbeKind.TlsFailure)]
    [InlineData(ProbeKind.ConnectionReset)]
    [InlineData(ProbeKind.ProtocolError)]
    [InlineData(ProbeKind.NetworkError)]
    public void Connection_errors_map_to_the_connection_error_status(ProbeKind kind)
    {
        var probe = ProbeResult.Failed(kind, TimeSpan.FromMilliseconds(3), "boom");

        ThresholdMapper.Map(probe, null, Defaults with { ConnectionError = PerformanceIssues }).Status
            .Should().Be(PerformanceIssues);
    }

    [Fact]
    public void Tcp_connect_without_status_code_is_operational() =>
        ThresholdMapper.Map(ProbeResult.Answered(null, TimeSpan.FromMilliseconds(2)), null, Defaults).Status
            .Should().Be(Operational);

    // The built-in report rules: 11-19 reports → performance issues, 20-49 → partial outage, ≥ 50 → major outage.
    [Theory]
    [InlineData(0, Operational)]
    [InlineData(10, Operational)]
    [InlineData(11, PerformanceIssues)]
    [InlineData(19, PerformanceIssues)]
    [InlineData(20, PartialOutage)]
    [InlineData(49, PartialOutage)]
    [InlineData(50, MajorOutage)]
    [InlineData(5000, MajorOutage)]
    public void Built_in_report_boundaries_apply_while_http_is_fine(int reports, ComponentStatus expected)
    {
        var whileOperational = Defaults with { ReportsApply = WhenReportsCount.WhenProbeOperational };

        ThresholdMapper.Map(Http(200), Count(reports), whileOperational).Status.Should().Be(expected);
    }

    [Fact]
    public void WhenProbeOperational_ignores_reports_once_the_probe_failed()
    {
        var whileOperational = Defaults with { ReportsApply = WhenReportsCount.WhenProbeOperational, StatusCodes = new StatusCodeMap([], PerformanceIssues) };

        ThresholdMapper.Map(Http(500), Count(50), whileOperational).Status.Should().Be(PerformanceIssues);
    }

    [Theory]
    [InlineData(429, 25, PartialOutage)] // reports worse than the probe
    [InlineData(503, 25, MajorOutage)] // probe worse than the reports
    [InlineData(429, 3, PerformanceIssues)] // below every report threshold: no effect
    public void Always_takes_the_worse_of_probe_and_reports(int code, int reports, ComponentStatus expected) =>
        ThresholdMapper.Map(Http(code), Count(reports), Defaults).Status.Should().Be(expected);

    [Fact]
    public void Unknown_report_count_leaves_the_probe_status()
    {
        var decision = ThresholdMapper.Map(Http(200), null, Defaults);

        decision.Should().Be(new StatusDecision(Operational, "HTTP 200"));
    }

    [Fact]
    public void Reason_names_both_probe_and_reports_when_reports_decide()
    {
        var decision = ThresholdMapper.Map(Http(200), Count(23), Defaults);

        decision.Reason.Should().Be("HTTP 200; 23 reports >= 20");
    }

    [Fact]
    public void Highest_threshold_not_above_the_count_wins_whatever_the_order_written()
    {
        var thresholds = Defaults with
        {
            Reports = [new ReportThreshold(7, MajorOutage), new ReportThreshold(5, PerformanceIssues)],
        };

        ThresholdMapper.Map(Http(200), Count(6), thresholds).Status.Should().Be(PerformanceIssues);
        ThresholdMapper.Map(Http(200), Count(7), thresholds).Status.Should().Be(MajorOutage);
    }

    [Fact]
    public void The_same_count_is_healthy_at_prime_time_and_an_outage_at_night()
    {
        ThresholdMapper.Map(Http(200), Of(20, 40_000), Mixed).Should().Be(new StatusDecision(Operational, "HTTP 200"),
            "20 reports from 40 000 viewers are 0.5 per thousand");
        ThresholdMapper.Map(Http(200), Of(20, 150), Mixed).Should().Be(
            new StatusDecision(MajorOutage, "HTTP 200; 20 reports / 150 audience = 133.333‰ >= 20‰"));
    }

    [Theory]
    [InlineData(11, 2400, Operational)] // 4.58‰
    [InlineData(12, 2400, PartialOutage)] // exactly 5‰: at least
    [InlineData(47, 2400, PartialOutage)] // 19.58‰
    [InlineData(48, 2400, MajorOutage)] // exactly 20‰
    [InlineData(1, 3, Operational)] // a rate of 333‰, but from 3 viewers: the count rule judges 1 report
    [InlineData(25, 99, PartialOutage)] // under MinAudience: 25 reports >= 20, not 252‰
    [InlineData(25, 100, MajorOutage)] // at MinAudience the rate judges: 250‰
    public void A_known_audience_of_at_least_MinAudience_is_judged_by_rate_a_smaller_one_by_count(int reports, long audience, ComponentStatus expected) =>
        ThresholdMapper.Map(Http(200), Of(reports, audience), Mixed).Status.Should().Be(expected);

    [Fact]
    public void The_rate_is_explained_with_the_arithmetic()
    {
        ThresholdMapper.Map(Http(200), Of(12, 2400), Mixed).Reason.Should().Be("HTTP 200; 12 reports / 2 400 audience = 5.0‰ >= 5‰");
    }

    [Fact]
    public void A_count_rule_that_judges_beside_rate_rules_says_why_no_rate_was_used()
    {
        ThresholdMapper.Map(Http(200), Count(30), Mixed).Reason.Should().Be("HTTP 200; 30 reports >= 20 (no audience known)");
        ThresholdMapper.Map(Http(200), Of(30, 40), Mixed).Reason.Should().Be("HTTP 200; 30 reports >= 20 (audience 40 < 100: too small for a rate)");
    }

    [Fact]
    public void MinAudience_is_the_sources_setting()
    {
        ThresholdMapper.Map(Http(200), Of(25, 400, minAudience: 1000), Mixed).Status.Should().Be(PartialOutage, "judged by count: 25 >= 20");
        ThresholdMapper.Map(Http(200), Of(25, 1000, minAudience: 1000), Mixed).Status.Should().Be(MajorOutage, "25‰ >= 20‰");
    }

    [Fact]
    public void A_list_of_count_rules_only_judges_every_server_by_count_as_before()
    {
        ThresholdMapper.Map(Http(200), Of(20, 1_000_000), Defaults).Should().Be(new StatusDecision(PartialOutage, "HTTP 200; 20 reports >= 20"));
    }

    [Fact]
    public void A_list_of_rate_rules_only_leaves_a_server_without_a_rate_to_its_probe()
    {
        var ratesOnly = Mixed with { Reports = [] };

        ThresholdMapper.Map(Http(200), Count(5000), ratesOnly).Status.Should().Be(Operational, "no audience: no rule judges its count");
        ThresholdMapper.Map(Http(200), Of(5000, 50), ratesOnly).Status.Should().Be(Operational, "50 viewers are too few for a rate");
        ThresholdMapper.Map(Http(200), Of(5000, 1_000_000), ratesOnly).Status.Should().Be(PartialOutage, "5‰");
    }

    [Fact]
    public void A_rate_is_compared_exactly_not_after_rounding()
    {
        var third = Mixed with { ReportRates = [new ReportRateThreshold(1m / 3m * 1000m, MajorOutage)] };

        ThresholdMapper.Map(Http(200), Of(1, 3), third with { Reports = [] }).Status.Should().Be(Operational, "3 viewers < MinAudience");
        ThresholdMapper.Map(Http(200), Of(333, 1000), third).Status.Should().Be(Operational, "333‰ < 333.33…‰");
        ThresholdMapper.Map(Http(200), Of(334, 1000), third).Status.Should().Be(MajorOutage);
    }

    [Fact]
    public void An_audience_of_zero_is_no_rate_and_no_division()
    {
        ThresholdMapper.Map(Http(200), Of(25, 0), Mixed).Reason.Should().Be("HTTP 200; 25 reports >= 20 (audience 0 < 100: too small for a rate)");
        ThresholdMapper.Map(Http(200), Of(25, 0, minAudience: 1), Mixed).Status.Should().Be(PartialOutage);
    }

    [Fact]
    public void A_rate_from_the_largest_audiences_does_not_overflow()
    {
        ThresholdMapper.Map(Http(200), Of(int.MaxValue, long.MaxValue), Mixed).Status.Should().Be(Operational);
        ThresholdMapper.Map(Http(200), Of(int.MaxValue, 1_000_000), Mixed).Status.Should().Be(MajorOutage);
    }
}
