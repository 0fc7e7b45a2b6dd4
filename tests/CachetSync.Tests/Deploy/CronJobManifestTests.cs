using System.Text.Json;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// deploy/kubernetes/cronjob.yaml as shipped: its arguments and environment, with the example configuration in the
/// working directory (the image's /config), run by the native executable once per schedule — outage, then recovery.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class CronJobManifestTests(PublishedApp app) : IDisposable
{
    private static readonly KubernetesManifest CronJob = new("cronjob.yaml");
    private static readonly string Manifest = CronJob.Text;
    private readonly PodDirectories _pod = new();

    [Fact]
    public void The_job_has_a_state_volume_where_its_state_path_points_and_no_service_links()
    {
        Manifest.Should().Contain("enableServiceLinks: false");
        Manifest.Should().MatchRegex(@"kind: PersistentVolumeClaim\s+metadata:\s+name: cachetsync-state");
        Manifest.Should().MatchRegex(@"- name: state\s+persistentVolumeClaim:\s+claimName: cachetsync-state");
        Manifest.Should().MatchRegex(@"- name: state\s+mountPath: /state");
        CronJob.Environment()["CACHETSYNC_State__Path"].Should().StartWith("/state/");
    }

    [NativeFact]
    public void The_jobs_command_and_environment_run_the_example_configuration_through_outage_and_recovery()
    {
        using var cachet = new CachetStub();
        cachet.WithComponent(1, "Stream EU 1", 1).WithComponent(2, "Stream EU 2", 1).WithComponent(3, "Stream US 1", 1).WithComponent(4, "RTMP ingest", 1)
            .ServeComponents().AcceptStatusWrites();
        using var targets = Loopback.StartWireMock();
        var healthy = false;
        targets.Given(Request.Create().WithPath("/edge-1").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage { StatusCode = Volatile.Read(ref healthy) ? 200 : 503 }));
        // As the example's servers would: a health answer its Expect accepts, and the test object its Throughput fetches.
        targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"UP"}"""));
        targets.Given(Request.Create().WithPath("/probe/1mb.bin").UsingGet()).RespondWith(Response.Create().WithBody(new byte[1024 * 1024]));
        var environment = _pod.Environment(CronJob);
        // What a deployment sets for itself: the Secret's token, and (here) the loopback addresses.
        environment["CACHETSYNC_Cachet__ApiToken"] = CachetStub.Token;
        environment["CACHETSYNC_Cachet__BaseUrl"] = cachet.BaseUrl;
        environment["CACHETSYNC_Servers__0__Url"] = targets.Urls[0] + "/edge-1";
        environment["CACHETSYNC_Servers__1__Url"] = targets.Urls[0] + "/ok";
        environment["CACHETSYNC_Servers__2__Url"] = targets.Urls[0] + "/ok?us";
        environment["CACHETSYNC_Servers__3__Url"] = $"tcp://127.0.0.1:{targets.Ports[0]}";
        // The example's canaries are made-up names like its servers: a deployment names its own gateway and Cachet host.
        environment["CACHETSYNC_Guard__Canaries__0"] = $"tcp://127.0.0.1:{targets.Ports[0]}";
        environment["CACHETSYNC_Guard__Canaries__1"] = cachet.BaseUrl + "/api/v1/ping";

        string RunOnce()
        {
            var (exitCode, output, error) = PublishedApp.Run(app.Executable, CronJob.Arguments, _pod.Config, TimeSpan.FromMinutes(1), environment);
            exitCode.Should().Be(0, error);
            using var summary = JsonDocument.Parse(output);
            return summary.RootElement.GetProperty("servers")[0].GetProperty("action").GetString()!;
        }

        var outage = RunOnce();
        Volatile.Write(ref healthy, true);
        var firstGood = RunOnce();
        var secondGood = RunOnce();

        (outage, firstGood, secondGood).Should().Be(("updated", "damped", "updated"));
        cachet.Puts().Should().Equal((1, """{"status":4}"""), (1, """{"status":1}"""));
        File.Exists(Path.Combine(_pod.Volume, "cachetsync-state.json")).Should().BeTrue();
    }

    public void Dispose() => _pod.Dispose();
}
