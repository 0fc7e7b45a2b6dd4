using System.Diagnostics;
using System.Net;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// deploy/kubernetes/deployment.yaml as shipped: the worker it runs (native executable, the manifest's arguments and
/// environment, the example configuration) answers the probes and the scrape where the manifest says.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class DeploymentManifestTests(PublishedApp app) : IDisposable
{
    private static readonly KubernetesManifest Deployment = new("deployment.yaml");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly PodDirectories _pod = new();

    [Fact]
    public void Probes_annotations_and_the_listen_address_name_one_port()
    {
        var port = Deployment.ContainerPort("metrics");
        Deployment.Environment()["CACHETSYNC_Telemetry__Prometheus__Listen"].Should().Be($"0.0.0.0:{port}");
        Deployment.Annotation("prometheus.io/scrape").Should().Be("true");
        Deployment.Annotation("prometheus.io/port").Should().Be(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Deployment.HttpProbe("livenessProbe").Should().Be(("/healthz", "metrics"));
        Deployment.HttpProbe("readinessProbe").Should().Be(("/readyz", "metrics"));
        Deployment.Field("replicas").Should().Be(1, "two workers would both write every change");
        Deployment.Text.Should().MatchRegex(@"strategy:\s+type: Recreate");
    }

    [NativeFact]
    public async Task The_worker_answers_its_probes_and_scrape_where_the_manifest_points()
    {
        using var fleet = new ExampleFleet();
        // The manifest's own listen address, 0.0.0.0 and its port, as a pod runs it; the scrapes go to loopback.
        var port = Deployment.ContainerPort("metrics");
        var environment = fleet.Into(_pod.Environment(Deployment));
        environment["CACHETSYNC_Telemetry__Prometheus__Listen"].Should().Be($"0.0.0.0:{port}");
        var address = $"http://127.0.0.1:{port}";

        using var process = PublishedApp.Start(app.Executable, Deployment.Arguments, _pod.Config, environment);
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            var readiness = HttpStatusCode.ServiceUnavailable;
            await Eventually.Until(() => (readiness = Status(address + Deployment.HttpProbe("readinessProbe").Path)) == HttpStatusCode.OK,
                "the worker to be ready (its first cycle, at start)", TimeSpan.FromSeconds(60));
            Status(address + Deployment.HttpProbe("livenessProbe").Path).Should().Be(HttpStatusCode.OK);
            var metrics = await Http.GetStringAsync(address + Deployment.Annotation("prometheus.io/path"));
            metrics.Should().Contain("""cachetsync_component_status_current{otel_scope_name="CachetSync",component_id="1",server="stream-eu-1"} 4""");
            fleet.Cachet.Puts().Should().Contain((1, """{"status":4}"""), "the scrape shows what the worker wrote");
        }
        finally
        {
            using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
            {
                await kill!.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        process.ExitCode.Should().Be(0, await error);
    }

    /// <summary>The status a GET of <paramref name="url"/> answers; 0 when nothing answers (not listening yet).</summary>
    internal static HttpStatusCode Status(string url)
    {
        try
        {
            using var response = Http.GetAsync(url).GetAwaiter().GetResult();
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    public void Dispose() => _pod.Dispose();
}
