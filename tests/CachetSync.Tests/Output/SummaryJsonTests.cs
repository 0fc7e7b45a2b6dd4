using System.Text.Json;
using System.Text.Json.Nodes;
using CachetSync.Output;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.Sync;
using CachetSync.Thresholds;

namespace CachetSync.Tests.Output;

/// <summary>The JSON summary's contract, written from its document type.</summary>
public sealed class SummaryJsonTests
{
    private static CycleSummary Summary(string name, string reason) => new(
        [new ServerOutcome(name, ProbeResult.Answered(503, TimeSpan.FromMilliseconds(12)), null,
            new StatusDecision(ComponentStatus.MajorOutage, reason), 7, ComponentStatus.Operational, SyncAction.DryRun, null)],
        null, new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1), DryRun: true, Stopped: false);

    private static string Written(CycleSummary summary)
    {
        using var output = new StringWriter();
        SummaryJson.Write(output, summary);
        return output.ToString();
    }

    [Fact]
    public void Names_are_written_as_utf8_and_quotes_as_quotes()
    {
        var text = Written(Summary("Zürich-1", "HTTP 503 \"busy\""));

        text.Should().Contain("\"server\":\"Zürich-1\"").And.Contain("\\\"busy\\\"").And.NotContain("\\u00");
        JsonNode.Parse(text)!["servers"]![0]!["reason"]!.GetValue<string>().Should().Be("HTTP 503 \"busy\"");
    }

    [Fact]
    public void Reports_are_written_with_their_audience_when_the_source_gave_one()
    {
        var summary = Summary("edge-1", "HTTP 200; 12 reports / 2 400 audience = 5.0‰ >= 5‰");
        var withAudience = summary with { Servers = [summary.Servers[0] with { Reports = new ServerReports(12, 2400, 100) }] };
        var withoutAudience = summary with { Servers = [summary.Servers[0] with { Reports = new ServerReports(12, null, 100) }] };

        var server = JsonNode.Parse(Written(withAudience))!["servers"]![0]!;
        server["reports"]!.GetValue<int>().Should().Be(12);
        server["audience"]!.GetValue<long>().Should().Be(2400);
        server["reason"]!.GetValue<string>().Should().EndWith("5.0‰ >= 5‰");
        JsonNode.Parse(Written(withoutAudience))!["servers"]![0]!.AsObject().Should().NotContainKey("audience", "no audience is not an audience of 0");
    }

    [Fact]
    public void Totals_count_every_action_by_its_camel_case_name()
    {
        var totals = JsonNode.Parse(Written(Summary("edge-1", "HTTP 503")))!["totals"]!.AsObject();

        totals.Select(pair => pair.Key).Should().Equal(
            new[] { "servers", "probesFailed" }.Concat(Enum.GetValues<SyncAction>().Select(action => JsonNamingPolicy.CamelCase.ConvertName(action.ToString())))
                .Append("notJudged").Append("outOfBudget"));
        totals["dryRun"]!.GetValue<int>().Should().Be(1);
        totals["probesFailed"]!.GetValue<int>().Should().Be(1, "an HTTP 503 is the server saying it is failing");
        totals["notJudged"]!.GetValue<int>().Should().Be(0);
        totals["outOfBudget"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public void Servers_this_machine_could_not_probe_fairly_are_counted_and_said_above_the_totals()
    {
        var unfair = ProbeResult.NotJudged(TimeSpan.Zero, "this machine ran 400 ms late (its CPU busy) until 2.5 s into the cycle, too late to start a fair probe");
        var blind = ProbeResult.Failed(ProbeKind.NotProbed, TimeSpan.Zero, "not probed: this machine has too many open files (EMFILE)");
        var outgrown = ProbeResult.NotJudged(TimeSpan.Zero, $"{ProbeResult.NoTurnInBudget} (50 s)");
        var summary = new CycleSummary(
            [
                new ServerOutcome("edge-1", unfair, null, new StatusDecision(ComponentStatus.Operational, "-"), 1, ComponentStatus.Operational, SyncAction.Failed, unfair.Detail),
                new ServerOutcome("edge-2", blind, null, new StatusDecision(ComponentStatus.Operational, "-"), 2, ComponentStatus.Operational, SyncAction.Failed, blind.Detail),
                new ServerOutcome("edge-3", unfair, null, new StatusDecision(ComponentStatus.Operational, "-"), 3, ComponentStatus.Operational, SyncAction.Failed, unfair.Detail),
                new ServerOutcome("edge-4", outgrown, null, new StatusDecision(ComponentStatus.Operational, "-"), 4, ComponentStatus.Operational, SyncAction.Failed, outgrown.Detail),
            ],
            null, new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(8), DryRun: false, Stopped: false);
        using var table = new StringWriter();

        SummaryTable.Write(table, summary);

        var totals = JsonNode.Parse(Written(summary))!["totals"]!;
        totals["notJudged"]!.GetValue<int>().Should().Be(3, "a machine out of sockets is told apart, with its own warning");
        totals["outOfBudget"]!.GetValue<int>().Should().Be(1, "only edge-4 had no turn within the cycle's budget");
        table.ToString().Should().Contain("Outgrown: 1 of them had no turn within the cycle's budget");
        table.ToString().Should().Contain("Not judged: 3 servers this machine could not probe fairly (its own CPU busy or running late), so their statuses stay as they are");
        summary.ExitCode.Should().Be(CycleSummary.ExitCachetFailed, "a cycle that left servers unjudged did not do its job");
    }

    [Fact]
    public void Every_field_is_there_with_null_for_what_is_unknown_and_timings_only_when_measured()
    {
        var server = JsonNode.Parse(Written(Summary("edge-1", "HTTP 503")))!["servers"]![0]!.AsObject();

        server.Select(pair => pair.Key).Should().Equal(
            "server", "probe", "statusCode", "latencyMs", "probeDetail", "attempts", "throughputBytesPerSecond", "certificateExpiresInDays",
            "reports", "componentId", "current", "desired", "reason", "action", "error", "note");
        server["reports"].Should().BeNull();
        server["action"]!.GetValue<string>().Should().Be("dry-run");
    }
}
