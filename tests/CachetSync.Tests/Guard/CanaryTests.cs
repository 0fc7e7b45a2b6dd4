using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using FluentAssertions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Guard;

/// <summary>Guard.Canaries: when none answers, this machine is blind, and nothing it saw reaches the page.</summary>
public sealed class CanaryTests : GuardProgramTest
{
    [Fact]
    public async Task No_canary_answering_writes_nothing_and_exits_2_naming_each_canary()
    {
        var servers = Fleet(4, _ => Closed);
        var (first, second) = (Silent("/silent-1"), Silent("/silent-2"));
        var guard = new JsonObject { ["Canaries"] = new JsonArray(first, second) };

        var (exit, summary) = await RunOnceAsync(Config(servers, guard));

        exit.Should().Be(2);
        Cachet.Puts().Should().BeEmpty("the prober cannot see: four Major Outages would be its own fault");
        Actions(summary).Should().AllBe("guarded");
        var held = summary.GetProperty("guard");
        held.GetProperty("held").GetBoolean().Should().BeTrue();
        held.GetProperty("cause").GetString().Should().Be("Canaries");
        held.GetProperty("reason").GetString().Should()
            .Contain("cannot reach the network").And.Contain($"`{first}` Timeout").And.Contain($"`{second}` Timeout");
        summary.GetProperty("servers")[0].GetProperty("probe").GetString().Should().Be("NotProbed");
        Run.Logs.Lines.Count(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("cannot reach the network")).Should().Be(1, "one warning, not one per server");
        summary.GetProperty("servers").EnumerateArray().Select(server => server.GetProperty("probe").GetString()).Should().AllBe("NotProbed", "no server was probed");
    }

    [Fact]
    public async Task One_canary_answering_lets_a_real_outage_through_in_the_same_cycle()
    {
        // Any answer proves the network: a canary answering 404 counts.
        Targets.Given(Request.Create().WithPath("/canary").UsingGet()).RespondWith(Response.Create().WithStatusCode(404));
        var servers = Fleet(3, _ => Closed);
        var guard = new JsonObject { ["Canaries"] = new JsonArray(Silent(), Targets.Urls[0] + "/canary") };

        var (exit, summary) = await RunOnceAsync(Config(servers, guard));

        exit.Should().Be(0);
        Cachet.Puts().Select(put => put.Id).Should().Equal(1, 2, 3);
        Cachet.Puts().Should().OnlyContain(put => put.Body.Contains("\"status\":4"));
        summary.GetProperty("guard").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task A_slow_canary_is_an_answer_asked_once_a_cycle()
    {
        // Slower than the built-in SlowAfter (1.5 s), within the probe timeout (2 s): slow, but it answered.
        // Counted as each request arrives: WireMock logs a request only once its delayed answer is sent.
        var asked = 0;
        Targets.Given(Request.Create().WithPath("/slow-canary").UsingGet()).RespondWith(Response.Create()
            .WithCallback(_ =>
            {
                Interlocked.Increment(ref asked);
                return new WireMock.ResponseMessage { StatusCode = 200 };
            })
            .WithDelay(TimeSpan.FromMilliseconds(1700)));
        var servers = Fleet(1, _ => Targets.Urls[0] + "/ok");
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));

        var config = Config(servers, new JsonObject { ["Canaries"] = new JsonArray(Targets.Urls[0] + "/slow-canary") });
        // Room for the slow answer on a loaded machine: 1.7 s is slow whatever the timeout.
        config["Probe"]!["Timeout"] = "5s";
        var (_, summary) = await RunOnceAsync(config);
        summary.GetProperty("guard").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, Run.Everything);

        Volatile.Read(ref asked).Should().Be(1, "a canary's latency proves nothing either way: no second look");
    }

    [Fact]
    public async Task A_blind_cycle_sets_the_self_component_to_major_outage_and_a_seeing_one_back()
    {
        Cachet.WithComponent(42, "CachetSync monitoring", status: 1);
        var servers = Fleet(2, _ => Closed);
        var blind = new JsonObject { ["Canaries"] = new JsonArray(Silent()), ["SelfComponentId"] = 42 };

        var (exit, _) = await RunOnceAsync(Config(servers, blind));

        exit.Should().Be(2);
        Cachet.Puts().Should().ContainSingle().Which.Should().Match<(int Id, string Body)>(put => put.Id == 42 && put.Body.Contains("\"status\":4"));

        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var seeing = new JsonObject { ["Canaries"] = new JsonArray(Targets.Urls[0] + "/ok"), ["SelfComponentId"] = 42 };
        var (again, _) = await RunOnceAsync(Config(Fleet(2, _ => Targets.Urls[0] + "/ok"), seeing));

        again.Should().Be(0);
        Cachet.Puts().Where(put => put.Id == 42).Select(put => put.Body.Contains("\"status\":1")).Should().Equal(false, true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_thousand_dark_servers_without_a_witness_are_held_whether_or_not_a_canary_answers(bool canaryAnswers)
    {
        // A canary answering proves this machine has a network, not that its path to the fleet is whole.
        Targets.Given(Request.Create().WithPath("/canary").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        var canary = canaryAnswers ? Targets.Urls[0] + "/canary" : Silent();
        var guard = new JsonObject { ["Canaries"] = new JsonArray(canary), ["ConfirmAfter"] = "200ms" };

        var (exit, summary) = await RunOnceAsync(Config(Fleet(1000, _ => Closed), guard));

        exit.Should().Be(2);
        Cachet.Puts().Should().BeEmpty();
        summary.GetProperty("totals").GetProperty("guarded").GetInt32().Should().Be(1000);
        summary.GetProperty("guard").GetProperty("cause").GetString().Should().Be(canaryAnswers ? "MassChange" : "Canaries");
    }

    [Theory]
    [InlineData("refused")]
    [InlineData("certificate for another name")]
    [InlineData("HTTP 503")]
    public async Task Any_answer_from_a_canary_proves_the_network(string answer)
    {
        using var https = new SelfSignedHttpsServer();
        Targets.Given(Request.Create().WithPath("/busy").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        var canary = answer switch
        {
            "refused" => $"tcp://127.0.0.1:{Loopback.RefusedPort}",
            "certificate for another name" => https.Url,
            _ => Targets.Urls[0] + "/busy",
        };

        var (exit, summary) = await RunOnceAsync(Config(Fleet(3, _ => Closed), new JsonObject { ["Canaries"] = new JsonArray(canary) }));

        exit.Should().Be(0, $"a canary that answered ({answer}) shows this machine can reach the network");
        Cachet.Puts().Select(put => put.Id).Should().BeEquivalentTo([1, 2, 3]);
        summary.GetProperty("guard").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }
}
