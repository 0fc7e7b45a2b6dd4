
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
        using var fleet = new ExampleFleet();
        var environment = fleet.Into(_pod.Environment(CronJob));

        fleet.ThroughOutageAndRecovery(() =>
        {
            var (exitCode, output, error) = PublishedApp.Run(app.Executable, CronJob.Arguments, _pod.Config, TimeSpan.FromMinutes(1), environment);
            exitCode.Should().Be(0, error);
            return output;
        });
        File.Exists(Path.Combine(_pod.Volume, "cachetsync-state.json")).Should().BeTrue();
    }

    public void Dispose() => _pod.Dispose();
}
