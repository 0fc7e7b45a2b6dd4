using System.Text.Json;
using System.Text.Json.Nodes;
using CachetSync.Tests.Guard;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Witness;

/// <summary>
/// Guard.Witnesses: a server this machine sees worse is asked of the witnesses before it is written. From the writer
/// every server's port is closed (its path cut, or the servers down); from the witness, they answer — or not.
/// </summary>
public sealed class WitnessVerdictTests : GuardProgramTest
{
    private const int Size = 24;

    private JsonObject WithWitnesses(JsonArray servers, params string[] witnesses)
    {
        var config = Config(servers, new JsonObject
        {
            ["ConfirmAfter"] = "200ms",
            ["Witnesses"] = new JsonArray([.. witnesses.Select(url => (JsonNode)url)]),
            ["WitnessToken"] = WitnessHost.Token,
        });
        return config;
    }

    private string Healthy()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        return Targets.Urls[0] + "/ok";
    }

    [Fact]
    public async Task Worse_only_here_and_healthy_from_the_witness_is_not_written_and_exits_2()
    {
        await using var witness = await WitnessHost.StartAsync(WitnessHost.Fleet(Size, _ => Healthy()));

        var (exit, summary) = await RunOnceAsync(WithWitnesses(Fleet(Size, _ => Closed), witness.Url));

        exit.Should().Be(2);
        Cachet.Puts().Should().BeEmpty("from the witness every server answers: this machine's path is cut");
        Actions(summary).Should().AllBe("unconfirmed");
        summary.GetProperty("totals").GetProperty("unconfirmed").GetInt32().Should().Be(Size);
        summary.GetProperty("servers")[0].GetProperty("note").GetString().Should()
            .MatchRegex($@"^held: healthy from 127\.0\.0\.1:{witness.Port} \(HTTP 200 in \d+ ms\): this machine's path to it is cut$");
        summary.GetProperty("witnesses").GetString().Should().Be($"asked about {Size} servers; answered: 127.0.0.1:{witness.Port}");
        summary.GetProperty("guard").ValueKind.Should().Be(JsonValueKind.Null, "nothing was left for the mass-change guard");
        Targets.LogEntries.Count(entry => entry.RequestMessage.Path == "/ok").Should().Be(Size, "the witness probed each server once");
    }

    [Fact]
    public async Task A_cut_path_shows_on_the_self_component_as_monitoring_degraded()
    {
        await using var witness = await WitnessHost.StartAsync(WitnessHost.Fleet(2, _ => Healthy()));
        Cachet.WithComponent(42, "CachetSync monitoring", status: 1);
        var config = WithWitnesses(Fleet(2, _ => Closed), witness.Url);
        config["Guard"]!["SelfComponentId"] = 42;

        var (exit, _) = await RunOnceAsync(config);

        exit.Should().Be(2);
        Cachet.Puts().Should().ContainSingle().Which.Should().Be((42, "{\"status\":2}"), "only the self component is written: Performance Issues");
    }

    [Fact]
    public async Task A_whole_fleet_down_from_the_witness_too_is_written_in_the_first_cycle()
    {
        await using var witness = await WitnessHost.StartAsync(WitnessHost.Fleet(Size, _ => Closed));

        var (exit, summary) = await RunOnceAsync(WithWitnesses(Fleet(Size, _ => Closed), witness.Url));

        exit.Should().Be(0);
        Cachet.Puts().Should().HaveCount(Size).And.OnlyContain(put => put.Body.Contains("\"status\":4"));
        summary.GetProperty("guard").ValueKind.Should().Be(JsonValueKind.Null, "confirmed from a second place: no mass-change hold");
        summary.GetProperty("servers")[0].GetProperty("note").GetString().Should().Be($"confirmed by 127.0.0.1:{witness.Port} (ConnectionRefused, connection refused)");
    }

    [Fact]
    public async Task Dead_from_here_and_slow_from_the_witness_is_written_as_slow()
    {
        Targets.Given(Request.Create().WithPath("/slow").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(600)));
        var witnessServers = WitnessHost.Fleet(1, _ => Targets.Urls[0] + "/slow");
        witnessServers[0]!["Thresholds"] = new JsonObject { ["SlowAfter"] = "300ms" };
        await using var witness = await WitnessHost.StartAsync(witnessServers);

        var (exit, summary) = await RunOnceAsync(WithWitnesses(Fleet(1, _ => Closed), witness.Url));

        exit.Should().Be(0);
        Cachet.Puts().Should().ContainSingle().Which.Body.Should().Contain("\"status\":2", "every vantage point agrees on Performance Issues, not on an outage");
        summary.GetProperty("servers")[0].GetProperty("reason").GetString().Should().EndWith("PerformanceIssues as the witnesses see it");
    }

    [Fact]
    public async Task Worse_from_one_witness_and_healthy_from_another_is_a_partial_outage()
    {
        await using var down = await WitnessHost.StartAsync(WitnessHost.Fleet(3, _ => Closed));
        await using var up = await WitnessHost.StartAsync(WitnessHost.Fleet(3, _ => Healthy()));
        var (exit, summary) = await RunOnceAsync(WithWitnesses(Fleet(3, _ => Closed), down.Url, up.Url));

        summary.GetProperty("witnesses").GetString().Should().Be($"asked about 3 servers; answered: 127.0.0.1:{down.Port}, 127.0.0.1:{up.Port}");
        exit.Should().Be(0);
        Cachet.Puts().Should().HaveCount(3).And.OnlyContain(put => put.Body.Contains("\"status\":3"));
        var server = summary.GetProperty("servers")[0];
        server.GetProperty("desired").GetString().Should().Be("PartialOutage");
        server.GetProperty("note").GetString().Should().Be($"worse from here and 127.0.0.1:{down.Port}, healthy from 127.0.0.1:{up.Port}");
    }

    [Fact]
    public async Task No_witness_answering_leaves_the_decision_to_the_guard_and_says_so()
    {
        var (exit, summary) = await RunOnceAsync(WithWitnesses(Fleet(3, _ => Closed), Closed));

        exit.Should().Be(0, "three servers are no mass change: the guard lets a real outage through");
        Cachet.Puts().Should().HaveCount(3);
        summary.GetProperty("witnesses").GetString().Should()
            .StartWith($"asked about 3 servers; no witness could be asked; 127.0.0.1:{Loopback.RefusedPort} could not be asked:");
        summary.GetProperty("servers")[0].GetProperty("note").GetString().Should().Contain("no witness answered for it");
    }

    [Fact]
    public async Task A_witness_with_another_token_probes_nothing_and_the_guard_decides()
    {
        await using var witness = await WitnessHost.StartAsync(WitnessHost.Fleet(Size, _ => Healthy()), token: "another-token-0123456789abcdef");

        var (exit, summary) = await RunOnceAsync(WithWitnesses(Fleet(Size, _ => Closed), witness.Url));

        exit.Should().Be(2, "without the witness, a whole fleet going dark is held by the mass-change guard");
        Cachet.Puts().Should().BeEmpty();
        summary.GetProperty("witnesses").GetString().Should().Contain("answered HTTP 401").And.Contain("wrong signature");
        summary.GetProperty("guard").GetProperty("cause").GetString().Should().Be("MassChange");
        Targets.LogEntries.Should().NotContain(entry => entry.RequestMessage.Path == "/ok", "an unsigned question is never probed");
        witness.Run.Everything.Should().NotContain(WitnessHost.Token).And.NotContain("another-token-0123456789abcdef");
        Run.Everything.Should().NotContain(WitnessHost.Token);
    }

    [Fact]
    public async Task A_worsening_by_members_reports_alone_is_not_asked_about()
    {
        await using var witness = await WitnessHost.StartAsync(WitnessHost.Fleet(1, _ => Healthy()));
        Targets.Given(Request.Create().WithPath("/reports").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"edge-1": 60}"""));
        var config = WithWitnesses(Fleet(1, _ => Healthy()), witness.Url);
        config["Reports"] = new JsonObject { ["Source"] = "Http", ["Url"] = Targets.Urls[0] + "/reports" };

        var (exit, summary) = await RunOnceAsync(config);

        exit.Should().Be(0);
        Cachet.Puts().Should().ContainSingle().Which.Body.Should().Contain("\"status\":4");
        summary.GetProperty("witnesses").ValueKind.Should().Be(JsonValueKind.Null, "a witness has no members' reports to weigh");
    }
}
