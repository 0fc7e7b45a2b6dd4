using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

/// <summary>K runs of one fleet against one Cachet, as the pods of a Kubernetes Indexed Job run.</summary>
public sealed class ShardedRunTests : LoopbackProgramTest
{
    private const int Servers = 30;

    public ShardedRunTests()
    {
        Targets.Given(Request.Create().WithPath("/down")).RespondWith(Response.Create().WithStatusCode(503));
        for (var id = 1; id <= Servers; id++)
        {
            Cachet.WithComponent(id, $"edge-{id}", 1);
        }

        Cachet.ServeComponents().AcceptStatusWrites();
    }

    private string Config(int? shards = null, string? statePath = null)
    {
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Servers"] = new JsonArray(Enumerable.Range(1, Servers)
                .Select(id => (JsonNode)new JsonObject { ["Name"] = $"edge-{id}", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = id })
                .ToArray()),
        };
        if (shards is { } count)
        {
            config["Shards"] = count;
        }

        if (statePath is not null)
        {
            config["State"] = new JsonObject { ["Path"] = statePath };
        }

        return Run.WriteConfig(config.ToJsonString());
    }

    [Fact]
    public async Task K_shards_write_every_component_exactly_once_between_them()
    {
        var config = Config(statePath: Path.Combine(Run.WorkDirectory, "state-{shard}.json"));
        var owned = new List<int>();
        for (var shard = 0; shard < 3; shard++)
        {
            Run.Out.GetStringBuilder().Clear();
            (await Run.RunAsync("--config", config, "--once", "--shard", $"{shard}/3", "--output", "json")).Should().Be(0, Run.Everything);
            var summary = JsonNode.Parse(Run.Out.ToString())!;
            summary["shard"]!.GetValue<string>().Should().Be($"{shard}/3");
            owned.Add(summary["servers"]!.AsArray().Count);
        }

        Cachet.Puts().Select(put => put.Id).Should().BeEquivalentTo(Enumerable.Range(1, Servers), "each component once, by its one owner");
        owned.Sum().Should().Be(Servers);
        owned.Should().OnlyContain(count => count > 0);
        Enumerable.Range(0, 3).Should().OnlyContain(shard => File.Exists(Path.Combine(Run.WorkDirectory, $"state-{shard}.json")));
    }

    [Fact]
    public async Task An_indexed_job_pod_takes_its_shard_from_job_completion_index()
    {
        Run.JobCompletionIndex = "1";

        (await Run.RunAsync("--config", Config(shards: 2), "--once", "--dry-run", "--output", "json")).Should().Be(0, Run.Everything);

        JsonNode.Parse(Run.Out.ToString())!["shard"]!.GetValue<string>().Should().Be("1/2");
        Run.Logs.All.Should().MatchRegex(@"Shard 1/2: \d+ of 30 servers");
    }

    [Fact]
    public async Task Shards_without_an_index_or_a_shared_state_file_are_refused_before_any_request()
    {
        var exitCode = await Run.RunAsync("--config", Config(shards: 4, statePath: Path.Combine(Run.WorkDirectory, "state.json")), "--once");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should()
            .Contain("Shards: 4 needs to know which shard this run is: --shard i/4, or JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job)");
        Cachet.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task A_shared_state_file_is_refused()
    {
        var exitCode = await Run.RunAsync("--config", Config(statePath: Path.Combine(Run.WorkDirectory, "state.json")), "--once", "--shard", "0/2");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain("is shared by all 2 shards; put {shard} in it");
        Cachet.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task A_shard_disagreeing_with_shards_is_refused()
    {
        (await Run.RunAsync("--config", Config(shards: 3), "--once", "--dry-run", "--shard", "0/2")).Should().Be(1);

        Run.Error.ToString().Should().Contain("--shard 0/2 splits the fleet 2 ways, but Shards is 3");
    }
}
