using System.Text.RegularExpressions;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Probing;

/// <summary><c>Probe.Expect</c>: conditions on the answer's body, read over loopback and mapped to their status.</summary>
public sealed class ExpectProbeTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

    private static ExpectSettings Expect(
        string? contains = null, string? matches = null, string? pointer = null, string? equals = null,
        ComponentStatus status = ComponentStatus.PartialOutage) =>
        new(contains, matches is null ? null : new Regex(matches, RegexOptions.None, ExpectSettings.MatchTimeout), pointer, equals, status);

    private async Task<StatusDecision> DecideAsync(string body, ExpectSettings expect, int maxBodyBytes = 0)
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithBody(body));
        var request = ProbeRequest.Default with { Expect = expect, MaxBodyBytes = maxBodyBytes };
        using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient) with { Request = request });
        var result = await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(_server.Urls[0] + "/health"), verifyTls: true, CancellationToken.None);
        return ThresholdMapper.Map(result, null, ProberFactory.Thresholds);
    }

    [Fact]
    public async Task A_json_value_other_than_expected_maps_to_partial_outage_with_both_values()
    {
        var decision = await DecideAsync("""{"status":"DEGRADED","checks":[]}""", Expect(pointer: "/status", equals: "UP"));

        decision.Should().Be(new StatusDecision(ComponentStatus.PartialOutage, "HTTP 200; /status is \"DEGRADED\", expected \"UP\""));
    }

    [Fact]
    public async Task A_json_value_as_expected_is_operational()
    {
        var decision = await DecideAsync("""{"status":"UP"}""", Expect(pointer: "/status", equals: "UP"));

        decision.Should().Be(new StatusDecision(ComponentStatus.Operational, "HTTP 200"));
    }

    [Fact]
    public async Task A_failed_condition_maps_to_the_status_it_names()
    {
        var decision = await DecideAsync("""{"db":{"up":false}}""", Expect(pointer: "/db/up", equals: "true", status: ComponentStatus.MajorOutage));

        decision.Should().Be(new StatusDecision(ComponentStatus.MajorOutage, "HTTP 200; /db/up is false, expected \"true\""));
    }

    [Fact]
    public async Task Pointers_reach_into_arrays_and_escaped_names()
    {
        var decision = await DecideAsync("""{"checks":[{"a/b~c":"ok"}]}""", Expect(pointer: "/checks/0/a~1b~0c", equals: "ok"));

        decision.Status.Should().Be(ComponentStatus.Operational);
    }

    [Fact]
    public async Task A_missing_value_is_named()
    {
        var decision = await DecideAsync("""{"state":"UP"}""", Expect(pointer: "/status", equals: "UP"));

        decision.Reason.Should().Be("HTTP 200; /status is missing, expected \"UP\"");
    }

    [Fact]
    public async Task A_body_that_is_not_json_fails_the_pointer_condition()
    {
        var decision = await DecideAsync("<html>maintenance</html>", Expect(pointer: "/status", equals: "UP"));

        decision.Should().Be(new StatusDecision(ComponentStatus.PartialOutage, "HTTP 200; the body is not JSON, expected /status = \"UP\""));
    }

    [Fact]
    public async Task A_body_nested_deeper_than_a_parser_should_go_is_a_failed_condition_not_a_crash()
    {
        var decision = await DecideAsync(new string('[', 10_000) + new string(']', 10_000), Expect(pointer: "/status", equals: "UP"));

        decision.Should().Be(new StatusDecision(ComponentStatus.PartialOutage, "HTTP 200; the body is not JSON, expected /status = \"UP\""));
    }

    [Fact]
    public async Task Body_contains_and_matches_are_checked()
    {
        (await DecideAsync("stream ok, 12 viewers", Expect(contains: "ok", matches: @"\d+ viewers"))).Status.Should().Be(ComponentStatus.Operational);
    }

    [Fact]
    public async Task A_body_without_the_text_says_which_text()
    {
        var decision = await DecideAsync("stream starting", Expect(contains: "ok"));

        decision.Reason.Should().Be("HTTP 200; the body does not contain \"ok\"");
    }

    [Fact]
    public async Task A_body_not_matching_says_the_pattern()
    {
        var decision = await DecideAsync("no viewers", Expect(matches: @"^\d+ viewers$"));

        decision.Reason.Should().Be("HTTP 200; the body does not match \"^\\d+ viewers$\"");
    }

    [Fact]
    public async Task A_body_built_to_make_the_pattern_backtrack_forever_is_cut_off()
    {
        // (a+)+$ against "aaaa…!" backtracks exponentially: without a match timeout the probe would never end.
        var decision = await DecideAsync(new string('a', 40) + "!", Expect(matches: "^(a+)+$"));

        decision.Should().Be(new StatusDecision(ComponentStatus.PartialOutage, "HTTP 200; the body took longer than 100 ms to match \"^(a+)+$\""));
    }

    [Fact]
    public async Task Only_max_body_bytes_are_read_and_the_reason_says_so()
    {
        var decision = await DecideAsync(new string('x', 5000) + "ok", Expect(contains: "ok"), maxBodyBytes: 1024);

        decision.Reason.Should().Be("HTTP 200; the body does not contain \"ok\" (in its first 1 KiB)");
    }

    [Fact]
    public async Task A_status_code_worse_than_the_condition_wins()
    {
        _server.Given(Request.Create().WithPath("/health").UsingGet()).RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"status":"DOWN"}"""));
        var request = ProbeRequest.Default with { Expect = Expect(pointer: "/status", equals: "UP") };
        using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient) with { Request = request });

        var result = await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(_server.Urls[0] + "/health"), verifyTls: true, CancellationToken.None);

        ThresholdMapper.Map(result, null, ProberFactory.Thresholds).Should().Be(new StatusDecision(ComponentStatus.MajorOutage, "HTTP 503"));
    }

    public void Dispose() => _server.Dispose();
}
