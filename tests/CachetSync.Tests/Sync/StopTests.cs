using System.Text.Json;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>SIGTERM / Ctrl+C during a cycle, and the long-running worker mode, through the real program.</summary>
public sealed class StopTests : LoopbackProgramTest
{
    private readonly CancellationTokenSource _stop = new();

    public StopTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
    }

    private JsonObject Config(JsonArray servers, string probeTimeout = "2s") => new()
    {
        ["Cachet"] = new JsonObject
        {
            ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token, ["Timeout"] = "5s", ["MaxParallelWrites"] = 1,
            ["Resilience"] = new JsonObject { ["MaxRetries"] = 0 },
        },
        ["Probe"] = new JsonObject { ["Timeout"] = probeTimeout },
        ["ShutdownTimeout"] = "10s",
        ["Servers"] = servers,
    };

    private static JsonObject Server(string name, string url, int id) => new() { ["Name"] = name, ["Url"] = url, ["ComponentId"] = id };

    [Fact]
    public async Task Stop_during_probes_cancels_them_starts_no_write_and_prints_the_partial_summary()
    {
        using var silent = new RawTcpServer(RawTcpServer.Behaviour.Silent);
        Cachet.WithComponent(1, "a", 1).WithComponent(2, "b", 1).WithComponent(3, "c", 1).ServeComponents().AcceptStatusWrites();
        var config = Config(
            [Server("a", Targets.Urls[0] + "/down", 1), Server("b", silent.Url, 2), Server("c", silent.Url, 3)],
            probeTimeout: "60s");

        var run = Run.RunAsync(_stop.Token, "--config", Run.WriteConfig(config.ToJsonString()), "--once");
        // The cycle is pipelined: the fast server's write does not wait for the hanging probes.
        await Eventually.Until(() => Cachet.Puts().Count == 1 && silent.Accepted == 2, "a's write while b and c still hang");
        await _stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(2, "the cycle was not applied");
        Cachet.Puts().Select(put => put.Id).Should().Equal([1], "no write starts after the stop");
        var summary = Run.Out.ToString();
        summary.Should().MatchRegex(@"a\s+HTTP 503 .* Operational -> MajorOutage\s+updated");
        summary.Should().MatchRegex(@"b\s+Stopped .* Operational -> -\s+skipped\s+stopped before the probe finished", "a server not probed has no desired status");
        summary.Should().MatchRegex(@"c\s+Stopped .* Operational -> -\s+skipped\s+stopped before the probe finished");
        Run.Logs.Lines.Should().Contain(line => line.Contains("Stopped during the cycle: 2 servers skipped"));
    }

    [Fact]
    public async Task A_server_probed_before_a_stop_that_came_before_cachet_answered_says_why_it_was_not_written()
    {
        // The order CI once hit: the fast probe done, Cachet not read yet, then the stop.
        Cachet.WithComponent(1, "a", 1).ServeComponents().AcceptStatusWrites();
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"data":[]}""").WithDelay(TimeSpan.FromSeconds(30)));
        var config = Config([Server("a", Targets.Urls[0] + "/down", 1)]);

        var run = Run.RunAsync(_stop.Token, "--config", Run.WriteConfig(config.ToJsonString()), "--once");
        // WireMock logs a request only once answered: Cachet's delayed read is still open when the probe shows up here.
        await Eventually.Until(() => Targets.LogEntries.Any(), "the probe to be answered while Cachet is still being asked");
        await _stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(2);
        Cachet.Server.LogEntries.Should().BeEmpty("Cachet had not answered when the stop came");
        // Almost always the probe's answer was in when the stop came; either way the row says why nothing was written.
        Run.Out.ToString().Should().MatchRegex(@"a\s+(HTTP 503 .* \? -> MajorOutage\s+skipped\s+stopped before writing|Stopped .* \? -> -\s+skipped\s+stopped before the probe finished)");
        Cachet.Puts().Should().BeEmpty();
    }

    [Fact]
    public async Task Stop_during_writes_lets_the_write_in_flight_finish_and_starts_no_other()
    {
        var firstPut = new TaskCompletionSource();
        Cachet.WithComponent(1, "a", 1).WithComponent(2, "b", 1).WithComponent(3, "c", 1).ServeComponents().AcceptStatusWrites();
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components/*").UsingPut()).AtPriority(1)
            .RespondWith(Response.Create()
                .WithCallback(request =>
                {
                    firstPut.TrySetResult();
                    var id = int.Parse(request.Path.Split('/')[^1]);
                    Cachet.SetStatusByHand(id, 4); // kept, as a Cachet keeps it: the read-back shows it
                    return new WireMock.ResponseMessage
                    {
                        StatusCode = 200,
                        BodyData = new WireMock.Util.BodyData
                        {
                            BodyAsString = $$$"""{"data":{"id":{{{id}}},"name":"x","status":4,"group_id":1,"enabled":true}}""",
                            DetectedBodyType = WireMock.Types.BodyType.String,
                        },
                    };
                })
                .WithDelay(TimeSpan.FromMilliseconds(1500)));
        var down = Targets.Urls[0] + "/down";
        var config = Config([Server("a", down, 1), Server("b", down, 2), Server("c", down, 3)]);

        var run = Run.RunAsync(_stop.Token, "--config", Run.WriteConfig(config.ToJsonString()), "--once", "--output", "json");
        await firstPut.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await _stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(2);
        Cachet.Puts().Should().ContainSingle();
        using var json = JsonDocument.Parse(Run.Out.ToString());
        var actions = json.RootElement.GetProperty("servers").EnumerateArray()
            .Select(server => (server.GetProperty("action").GetString(), server.GetProperty("error").GetString())).ToList();
        actions.Should().ContainSingle(action => action.Item1 == "updated" && action.Item2 == null);
        actions.Where(action => action.Item1 == "skipped").Should().HaveCount(2).And.OnlyContain(action => action.Item2 == "stopped before writing");
        json.RootElement.GetProperty("stopped").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Worker_runs_a_cycle_at_each_cron_occurrence_and_exits_0_when_stopped()
    {
        Cachet.WithComponent(1, "a", 1).ServeComponents().AcceptStatusWrites();
        var config = Config([Server("a", Targets.Urls[0] + "/down", 1)]);
        config["Schedule"] = new JsonObject { ["Cron"] = "* * * * * *" };

        var run = Run.RunAsync(_stop.Token, "--config", Run.WriteConfig(config.ToJsonString()), "--output", "json");
        await Eventually.Until(() => Run.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 2, "two worker cycles");
        await _stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(0);
        var cycles = Run.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        cycles[0].GetProperty("totals").GetProperty("updated").GetInt32().Should().Be(1);
        cycles[1].GetProperty("totals").GetProperty("unchanged").GetInt32().Should().Be(1, "the second cycle finds the status already written");
        Cachet.Puts().Should().ContainSingle();
        Run.Logs.Lines.Should().Contain(line => line.Contains("Next cycle at"));
    }

    [Fact]
    public async Task A_stopped_worker_exits_with_the_code_its_last_summary_prints()
    {
        using var silent = new RawTcpServer(RawTcpServer.Behaviour.Silent);
        var config = Config([Server("stuck", silent.Url, 1)], probeTimeout: "60s");
        config["Cachet"]!["BaseUrl"] = $"http://127.0.0.1:{Loopback.RefusedPort}";
        config["Schedule"] = new JsonObject { ["Cron"] = "* * * * *", ["RunAtStart"] = true };

        var run = Run.RunAsync(_stop.Token, "--config", Run.WriteConfig(config.ToJsonString()));
        await Eventually.Until(() => silent.Accepted == 1 && Run.Logs.All.Contains("Cachet could not be read"), "the cycle to find Cachet down while a probe hangs");
        await _stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(20));

        exitCode.Should().Be(2, "the cycle the stop cut short could not read Cachet");
        Run.Out.ToString().Should().Contain("Exit code 2.").And.NotContain("Cycle result");
    }

    public override void Dispose()
    {
        _stop.Dispose();
        base.Dispose();
    }
}
