using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using CachetSync.Tests.Support;
using CachetSync.Witness;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// deploy/kubernetes/witness.yaml as shipped: the witness it runs (native executable, the manifest's arguments and
/// environment, the example configuration) answers its probes and a writer's signed question where the manifest says.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class WitnessManifestTests(PublishedApp app) : IDisposable
{
    private static readonly KubernetesManifest Witness = new("witness.yaml");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly PodDirectories _pod = new();

    [Fact]
    public void The_probes_the_service_and_the_listen_address_name_one_port()
    {
        var port = Witness.ContainerPort("witness");
        Witness.ArgumentList.Should().Equal("--witness");
        Witness.Environment()["CACHETSYNC_Witness__Listen"].Should().Be($"0.0.0.0:{port}");
        Witness.HttpProbe("livenessProbe").Should().Be(("/healthz", "witness"));
        Witness.HttpProbe("readinessProbe").Should().Be(("/healthz", "witness"));
        Witness.Text.Should().Contain("kind: Service").And.Contain("targetPort: witness");
        Witness.Text.Should().NotContain("CACHETSYNC_Cachet__ApiToken", "a witness writes nothing to Cachet");
    }

    [NativeFact]
    public async Task The_witness_answers_a_signed_question_where_the_manifest_points()
    {
        using var fleet = new ExampleFleet();
        var port = Witness.ContainerPort("witness");
        var environment = fleet.Into(_pod.Environment(Witness));
        // What the Secret gives the pod.
        const string token = "manifest-test-token-0123456789";
        environment["CACHETSYNC_Witness__Token"] = token;
        var address = $"http://127.0.0.1:{port}";

        using var process = PublishedApp.Start(app.Executable, Witness.Arguments, _pod.Config, environment);
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            await Eventually.Until(() => DeploymentManifestTests.Status(address + Witness.HttpProbe("livenessProbe").Path) == HttpStatusCode.OK,
                "the witness to answer its liveness probe", TimeSpan.FromSeconds(60));
            var body = Encoding.UTF8.GetBytes("""{"servers":["stream-eu-1","stream-eu-2"]}""");
            using var request = new HttpRequestMessage(HttpMethod.Post, address + "/probe") { Content = new ByteArrayContent(body) };
            request.Headers.Add(WitnessSignature.Header, WitnessSignature.SignQuestion(token, DateTimeOffset.UtcNow, body));
            using var response = await Http.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var seen = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("servers");
            seen.EnumerateArray().Select(server => (server.GetProperty("name").GetString(), server.GetProperty("statusCode").GetInt32()))
                .Should().Equal(("stream-eu-1", 503), ("stream-eu-2", 200));
            fleet.Cachet.Puts().Should().BeEmpty("a witness writes nothing");
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
        (await error).Should().NotContain(token);
    }

    public void Dispose() => _pod.Dispose();
}
