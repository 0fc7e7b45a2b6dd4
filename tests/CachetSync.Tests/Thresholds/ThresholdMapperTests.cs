using CachetSync.Probing;
using CachetSync.Thresholds;
using static CachetSync.Thresholds.ComponentStatus;

namespace CachetSync.Tests.Thresholds;

public sealed class ThresholdMapperTests
{
    private static readonly ThresholdSettings Defaults = ThresholdSettings.BuiltIn;

    private static ProbeResult Http(int code, int milliseconds = 50) =>
        ProbeResult.Answered(code, TimeSpan.FromMilliseconds(milliseconds));

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

    // The original Proxer updater: 11-19 reports → performance issues, 20-49 → partial outage, ≥ 50 → major outage.
    [Theory]
    [InlineData(0, Operational)]
    [InlineData(10, Operational)]
    [InlineData(11, PerformanceIssues)]
    [InlineData(19, PerformanceIssues)]
    [InlineData(20, PartialOutage)]
    [InlineData(49, PartialOutage)]
    [InlineData(50, MajorOutage)]
    [InlineData(5000, MajorOutage)]
    public void Proxer_report_boundaries_apply_while_http_is_fine(int reports, ComponentStatus expected)
    {
        var proxer = Defaults with { ReportsApply = ReportsApply.WhenProbeOperational };

        ThresholdMapper.Map(Http(200), reports, proxer).Status.Should().Be(expected);
    }

    [Fact]
    public void WhenProbeOperational_ignores_reports_once_the_probe_failed()
    {
        var proxer = Defaults with { ReportsApply = ReportsApply.WhenProbeOperational, StatusCodes = new StatusCodeMap([], PerformanceIssues) };

        ThresholdMapper.Map(Http(500), 50, proxer).Status.Should().Be(PerformanceIssues);
    }

    [Theory]
    [InlineData(429, 25, PartialOutage)] // reports worse than the probe
    [InlineData(503, 25, MajorOutage)] // probe worse than the reports
    [InlineData(429, 3, PerformanceIssues)] // below every report threshold: no effect
    public void Always_takes_the_worse_of_probe_and_reports(int code, int reports, ComponentStatus expected) =>
        ThresholdMapper.Map(Http(code), reports, Defaults).Status.Should().Be(expected);

    [Fact]
    public void Unknown_report_count_leaves_the_probe_status()
    {
        var decision = ThresholdMapper.Map(Http(200), null, Defaults);

        decision.Should().Be(new StatusDecision(Operational, "HTTP 200"));
    }

    [Fact]
    public void Reason_names_both_probe_and_reports_when_reports_decide()
    {
        var decision = ThresholdMapper.Map(Http(200), 23, Defaults);

        decision.Reason.Should().Be("HTTP 200; 23 reports >= 20");
    }

    [Fact]
    public void Highest_threshold_not_above_the_count_wins_whatever_the_order_written()
    {
        var thresholds = Defaults with
        {
            Reports = [new ReportThreshold(7, MajorOutage), new ReportThreshold(5, PerformanceIssues)],
        };

        ThresholdMapper.Map(Http(200), 6, thresholds).Status.Should().Be(PerformanceIssues);
        ThresholdMapper.Map(Http(200), 7, thresholds).Status.Should().Be(MajorOutage);
    }
}
