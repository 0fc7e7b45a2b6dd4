using System.Text.Json;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// deploy/kubernetes/cronjob-sharded.yaml as shipped: an Indexed Job's K pods, each the native executable with the
/// manifest's arguments and environment and its own JOB_COMPLETION_INDEX, against one Cachet.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class ShardedCronJobManifestTests(PublishedApp app) : IDisposable
{
    private static readonly KubernetesManifest CronJob = new("cronjob-sharded.yaml");
    private static readonly string Manifest = CronJob.Text;

    private readonly PodDirectories _pod = new();

    private static int Field(string name) => CronJob.Field(name);

    private static Dictionary<string, string> Environment() => CronJob.Environment();

    [Fact]
    public void K_is_the_same_in_completions_parallelism_and_shards_and_each_shard_has_its_own_state_file()
    {
        Manifest.Should().Contain("completionMode: Indexed");
        Field("completions").Should().Be(Field("parallelism"));
        int.Parse(Environment()["CACHETSYNC_Shards"]).Should().Be(Field("completions"));
        Environment()["CACHETSYNC_State__Path"].Should().StartWith("/state/").And.Contain("{shard}");
    }

    [NativeFact]
    public void The_pods_of_one_job_write_each_component_once_between_them()
    {
        using var cachet = new CachetStub();
        cachet.WithComponent(1, "Stream EU 1", 1).WithComponent(2, "Stream EU 2", 1).WithComponent(3, "Stream US 1", 1).WithComponent(4, "RTMP ingest", 1)
            .ServeComponents().AcceptStatusWrites();
        using var targets = Loopback.StartWireMock();
        targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        var arguments = CronJob.Arguments;
        var pods = Field("completions");
        var shardsSeen = new List<string>();
        for (var index = 0; index < pods; index++)
        {
            var environment = _pod.Environment(CronJob);
            environment["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["CACHETSYNC_Cachet__ApiToken"] = CachetStub.Token;
            environment["CACHETSYNC_Cachet__BaseUrl"] = cachet.BaseUrl;
            for (var server = 0; server < 3; server++)
            {
                environment[$"CACHETSYNC_Servers__{server}__Url"] = targets.Urls[0] + "/down";
            }

            environment["CACHETSYNC_Servers__3__Url"] = $"tcp://127.0.0.1:{Loopback.RefusedPort}";
            // The example's canaries are made-up names like its servers: a deployment names its own gateway and Cachet host.
            environment["CACHETSYNC_Guard__Canaries__0"] = $"tcp://127.0.0.1:{targets.Ports[0]}";
            environment["CACHETSYNC_Guard__Canaries__1"] = cachet.BaseUrl + "/api/v1/ping";

            var (exitCode, output, error) = PublishedApp.Run(app.Executable, arguments, _pod.Config, TimeSpan.FromMinutes(1), environment);

            exitCode.Should().Be(0, error);
            using var summary = JsonDocument.Parse(output);
            shardsSeen.Add(summary.RootElement.GetProperty("shard").GetString()!);
        }

        shardsSeen.Should().Equal(Enumerable.Range(0, pods).Select(index => $"{index}/{pods}"));
        // Stream US 1 maps 503 to PartialOutage in the example; the others are major outages. Each written once.
        cachet.Puts().Should().Equal((1, """{"status":4}"""), (2, """{"status":4}"""), (3, """{"status":3}"""), (4, """{"status":4}"""));
        Directory.GetFiles(_pod.Volume, "cachetsync-*.json").Length.Should().BeGreaterThan(1, "each shard that owns a server keeps its own state");
    }

    public void Dispose() => _pod.Dispose();
}
