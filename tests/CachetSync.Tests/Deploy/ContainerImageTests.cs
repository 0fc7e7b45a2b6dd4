using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using static CachetSync.Tests.Deploy.ContainerImage;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// The image deploy/Dockerfile builds (.ci/build-image), run with podman as each shipped file runs it: the manifests'
/// arguments, environment and security settings (read-only root, no capabilities, the image's uid 1654), never a
/// rewritten copy. CronJob and Deployment runs share this machine's network (<c>--network host</c>) to reach the
/// loopback test servers; the compose worker and ICMP runs get network namespaces of their own, as in production.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class ContainerImageTests : IDisposable
{
    private static readonly KubernetesManifest CronJob = new("cronjob.yaml");
    private static readonly KubernetesManifest Deployment = new("deployment.yaml");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly PodDirectories _pod = new();
    private readonly string _volume = $"cachetsync-test-state-{Guid.NewGuid():N}";
    private readonly List<string> _containers = [];

    private string ConfigMount => $"{Path.Combine(_pod.Config, "appsettings.json")}:/config/appsettings.json:ro";

    /// <summary>What <c>readOnlyRootFilesystem</c> and <c>drop: ["ALL"]</c> mean to podman (no tmpfs added, unlike its default).</summary>
    private static readonly string[] AsKubernetesRunsIt = ["--read-only", "--read-only-tmpfs=false", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"];

    [ImageFact]
    public void The_image_holds_the_executable_and_time_zones_but_no_debug_symbols_no_shell_and_fits_in_60_MB()
    {
        var image = Name!;
        var size = long.Parse(PodmanOk("image", "inspect", image, "--format", "{{.Size}}"), CultureInfo.InvariantCulture);
        PodmanOk("image", "inspect", image, "--format", "{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}")
            .Should().Be("""1654 ["/app/cachetsync"] ["--once"]""");

        var entries = Files(image);
        entries.Should().Contain(["app/cachetsync", "usr/share/zoneinfo/Europe/Berlin", "etc/ssl/certs/ca-certificates.crt"]);
        entries.Should().NotContain(entry => entry.EndsWith(".dbg", StringComparison.Ordinal), "the native symbols are twice the executable");
        entries.Should().NotContain(["bin/sh", "usr/bin/sh", "bin/bash", "usr/bin/bash", "bin/busybox"], "a chiseled image has no shell");
        size.Should().BeLessThanOrEqualTo(60_000_000, "every CronJob run pulls it");
    }

    [ImageFact]
    public void As_the_CronJob_runs_it_the_state_volume_keeps_damping_across_runs()
    {
        using var fleet = new ExampleFleet();
        var environment = fleet.Into(CronJob.Environment());
        environment.Should().ContainKey("CACHETSYNC_State__Path").WhoseValue.Should().StartWith("/state/");
        PodmanOk("volume", "create", _volume);

        fleet.ThroughOutageAndRecovery(() =>
        {
            var (exitCode, output, error) = Podman(
                TimeSpan.FromMinutes(2),
                ["run", "--rm", .. SandboxFlags, "--network", "host", .. AsKubernetesRunsIt, "-v", ConfigMount, "-v", $"{_volume}:/state",
                    .. EnvironmentFlags(environment), Name!, .. CronJob.ArgumentList]);
            exitCode.Should().Be(0, error);
            return output;
        });
    }

    [ImageFact]
    public async Task As_the_Deployment_runs_it_the_worker_answers_probes_and_scrape_on_the_manifests_0_0_0_0_and_stops_on_SIGTERM()
    {
        using var fleet = new ExampleFleet();
        var port = Deployment.ContainerPort("metrics");
        var environment = fleet.Into(Deployment.Environment());
        environment["CACHETSYNC_Telemetry__Prometheus__Listen"].Should().Be($"0.0.0.0:{port}");
        PodmanOk("volume", "create", _volume);

        var container = Started(
            [.. SandboxFlags, "--network", "host", .. AsKubernetesRunsIt, "-v", ConfigMount, "-v", $"{_volume}:/state", .. EnvironmentFlags(environment), Name!,
                .. Deployment.ArgumentList]);
        var address = $"http://127.0.0.1:{port}";
        await Eventually.Until(() => Status(address + Deployment.HttpProbe("readinessProbe").Path) == HttpStatusCode.OK, "the worker to be ready", TimeSpan.FromSeconds(60));
        Status(address + Deployment.HttpProbe("livenessProbe").Path).Should().Be(HttpStatusCode.OK);
        (await Http.GetStringAsync(address + Deployment.Annotation("prometheus.io/path")))
            .Should().Contain("""cachetsync_component_status_current{otel_scope_name="CachetSync",component_id="1",server="stream-eu-1"} 4""");

        var grace = TimeSpan.FromSeconds(Deployment.Field("terminationGracePeriodSeconds"));
        StopsWithin(container, grace).Should().Be(0, "SIGTERM ends the worker cleanly");
    }

    [ImageFact]
    public async Task As_compose_runs_it_the_worker_answers_through_the_published_port_and_stops_within_its_grace_period()
    {
        var compose = new ComposeFile();
        var environment = compose.Environment(new Dictionary<string, string> { ["CACHET_API_TOKEN"] = CachetStub.Token });
        environment.Should().Contain("CACHETSYNC_Telemetry__Prometheus__Listen", "0.0.0.0:9464")
            .And.Contain("CACHETSYNC_Schedule__RunAtStart", "true", "without it the worker is not ready until the schedule's next occurrence");
        compose.ReadOnly.Should().BeTrue();
        // The user's one edit of the copied example: their Cachet, here an address nothing answers in the container.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_pod.Config, "appsettings.json")))!;
        config["Cachet"]!["BaseUrl"] = "http://127.0.0.1:9/";
        File.WriteAllText(Path.Combine(_pod.Config, "appsettings.json"), config.ToJsonString());
        PodmanOk("volume", "create", _volume);
        // Its own network namespace, the published port forwarded into it as compose does; no Cachet is reachable
        // from there, and a cycle that finds Cachet down still finishes, so the worker becomes ready.
        var container = Started(
            [.. SandboxFlags, "--network", "slirp4netns:port_handler=slirp4netns", .. compose.Ports.SelectMany(port => new[] { "-p", port }),
                "--read-only", "--read-only-tmpfs=false", .. compose.Sysctls.SelectMany(sysctl => new[] { "--sysctl", sysctl }),
                "-v", ConfigMount, "-v", $"{_volume}:/state", .. EnvironmentFlags(environment), Name!, .. compose.Command]);
        var published = compose.Ports.Single();
        var address = $"http://{published[..published.LastIndexOf(':')]}";

        await Eventually.Until(() => Status(address + "/readyz") == HttpStatusCode.OK, "the compose worker to be ready (its first cycle, at start)", TimeSpan.FromSeconds(45));
        Status(address + "/healthz").Should().Be(HttpStatusCode.OK);
        (await Http.GetStringAsync(address + "/metrics")).Should().MatchRegex(@"(?m)^cachetsync_cycle_duration_seconds_count(\{[^}]*\})? [1-9]", "a cycle finished");

        StopsWithin(container, compose.StopGracePeriod).Should().Be(0, "SIGTERM ends the worker cleanly");
    }

    [ImageFact]
    public void Icmp_works_with_the_manifests_sysctl_in_the_containers_own_network_namespace_and_names_it_without()
    {
        var sysctl = Deployment.Sysctl("net.ipv4.ping_group_range");
        sysctl.Should().Be(CronJob.Sysctl("net.ipv4.ping_group_range")).And.Be("1654 1654");
        File.WriteAllText(Path.Combine(_pod.Config, "appsettings.json"), new JsonObject
        {
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "loopback", ["Url"] = "icmp://127.0.0.1", ["ComponentId"] = 1 }),
        }.ToJsonString());

        (int ExitCode, JsonNode Server, string Error) Probe(params string[] sysctls)
        {
            var (exitCode, output, error) = Podman(
                TimeSpan.FromMinutes(1),
                ["run", "--rm", .. SandboxFlags, "--network", "none", .. AsKubernetesRunsIt, .. sysctls.SelectMany(value => new[] { "--sysctl", value }),
                    "-v", ConfigMount, Name!, "--once", "--dry-run", "--output", "json"]);
            return (exitCode, JsonNode.Parse(output)!["servers"]![0]!, error);
        }

        var allowed = Probe($"net.ipv4.ping_group_range={sysctl}");
        allowed.Server["probe"]!.GetValue<string>().Should().Be("Ok", allowed.Error);
        allowed.Server["probeDetail"]!.GetValue<string>().Should().StartWith("3 echoes, mean ");
        allowed.ExitCode.Should().Be(0);

        // podman's own default is "0 0": root's group only, not the app's.
        var refused = Probe();
        refused.Server["probe"]!.GetValue<string>().Should().Be("NotProbed");
        refused.ExitCode.Should().Be(2);
        refused.Error.Should().Contain($"net.ipv4.ping_group_range=\"{sysctl}\"").And.NotContainEquivalentOf("ping utility");
    }

    /// <remarks>Exit 1, the contract's code for an invalid configuration (2 is Cachet's failure).</remarks>
    [ImageFact]
    public async Task As_witness_yaml_runs_it_the_witness_tells_a_CronJob_writer_a_server_it_cannot_reach_is_healthy()
    {
        using var fleet = new ExampleFleet();
        var witnessManifest = new KubernetesManifest("witness.yaml");
        const string token = "image-test-witness-token-0123456789";
        var witnessEnvironment = fleet.Into(witnessManifest.Environment());
        witnessEnvironment["CACHETSYNC_Witness__Token"] = token;
        var port = witnessManifest.ContainerPort("witness");
        var witness = Started(
            [.. SandboxFlags, "--network", "host", .. AsKubernetesRunsIt, "-v", ConfigMount, .. EnvironmentFlags(witnessEnvironment), Name!,
                .. witnessManifest.ArgumentList]);
        await Eventually.Until(() => Status($"http://127.0.0.1:{port}{witnessManifest.HttpProbe("livenessProbe").Path}") == HttpStatusCode.OK,
            "the witness to answer its probe", TimeSpan.FromSeconds(60));

        // The writer, as the CronJob runs it, whose path to stream-eu-2 is cut (a closed port from here); the witness reaches it.
        var writer = fleet.Into(CronJob.Environment());
        writer["CACHETSYNC_Servers__1__Url"] = $"http://127.0.0.1:{Loopback.RefusedPort}/ok";
        writer["CACHETSYNC_Guard__Witnesses__0"] = $"http://127.0.0.1:{port}";
        writer["CACHETSYNC_Guard__WitnessToken"] = token;
        PodmanOk("volume", "create", _volume);
        var (exitCode, output, error) = Podman(
            TimeSpan.FromMinutes(2),
            ["run", "--rm", .. SandboxFlags, "--network", "host", .. AsKubernetesRunsIt, "-v", ConfigMount, "-v", $"{_volume}:/state",
                .. EnvironmentFlags(writer), Name!, .. CronJob.ArgumentList]);

        exitCode.Should().Be(2, "a server held as healthy from the witness is not applied");
        var servers = JsonNode.Parse(output)!["servers"]!.AsArray();
        servers[1]!["action"]!.GetValue<string>().Should().Be("unconfirmed", error);
        servers[1]!["note"]!.GetValue<string>().Should().StartWith($"held: healthy from 127.0.0.1:{port} (HTTP 200 in ");
        servers[0]!["action"]!.GetValue<string>().Should().Be("updated", "stream-eu-1 answers 503 from both places: written");
        fleet.Cachet.Puts().Should().NotContain(put => put.Id == 2);
        PodmanOk("logs", witness).Should().NotContain(token);
        error.Should().NotContain(token);
    }

    [ImageFact]
    public void A_bad_configuration_is_a_clear_error_and_exit_1_without_a_stack_trace()
    {
        var environment = CronJob.Environment();
        environment["CACHETSYNC_Cachet__ApiToken"] = CachetStub.Token;
        environment["CACHETSYNC_Cachet__BaseUrl"] = "http://127.0.0.1:9/";
        environment["CACHETSYNC_Probe__Timeout"] = "soon";
        PodmanOk("volume", "create", _volume);

        var (exitCode, output, error) = Podman(
            TimeSpan.FromMinutes(1),
            ["run", "--rm", .. SandboxFlags, "--network", "none", .. AsKubernetesRunsIt, "-v", ConfigMount, "-v", $"{_volume}:/state",
                .. EnvironmentFlags(environment), Name!, .. CronJob.ArgumentList]);

        exitCode.Should().Be(1);
        error.Should().Contain("invalid configuration (1 problem)").And.Contain("Probe.Timeout").And.NotContain("   at ").And.NotContain("Exception");
        output.Should().BeEmpty();
    }

    private string Started(IEnumerable<string> arguments)
    {
        var id = PodmanOk(["run", "-d", .. arguments]);
        _containers.Add(id);
        return id;
    }

    /// <summary>Sends SIGTERM (podman stop, SIGKILL after <paramref name="grace"/>) and returns the exit code; fails if it took the whole grace.</summary>
    private static int StopsWithin(string container, TimeSpan grace)
    {
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        PodmanOk("stop", "--time", ((int)grace.TotalSeconds).ToString(CultureInfo.InvariantCulture), container);
        stopping.Elapsed.Should().BeLessThan(grace, "SIGKILL comes at the end of the grace period");
        return int.Parse(PodmanOk("inspect", container, "--format", "{{.State.ExitCode}}"), CultureInfo.InvariantCulture);
    }

    private static HttpStatusCode Status(string url)
    {
        try
        {
            using var response = Http.GetAsync(url).GetAwaiter().GetResult();
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Every path in the image's file system, as <c>podman export</c> of a container made from it lists them.</summary>
    private static List<string> Files(string image)
    {
        var container = PodmanOk("create", image);
        var tar = Path.GetTempFileName();
        try
        {
            PodmanOk("export", "--output", tar, container);
            using var reader = new TarReader(File.OpenRead(tar));
            var entries = new List<string>();
            while (reader.GetNextEntry() is { } entry)
            {
                entries.Add(entry.Name.TrimStart('.', '/').TrimEnd('/'));
            }

            return entries;
        }
        finally
        {
            File.Delete(tar);
            Podman(TimeSpan.FromMinutes(1), "rm", "-f", container);
        }
    }

    public void Dispose()
    {
        foreach (var container in _containers)
        {
            Podman(TimeSpan.FromMinutes(1), "rm", "-f", "--time", "0", container);
        }

        Podman(TimeSpan.FromMinutes(1), "volume", "rm", "-f", _volume);
        _pod.Dispose();
    }
}
