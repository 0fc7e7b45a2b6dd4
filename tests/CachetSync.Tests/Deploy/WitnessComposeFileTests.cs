using CachetSync.Tests.Support;

namespace CachetSync.Tests.Deploy;

/// <summary>deploy/docker-compose.witness.yml as shipped: its own command and environment make a witness that answers.</summary>
public sealed class WitnessComposeFileTests
{
    private static readonly ComposeFile Compose = new("docker-compose.witness.yml");

    [Fact]
    public void It_runs_a_witness_listening_on_the_port_it_publishes()
    {
        var environment = Compose.Environment(new Dictionary<string, string> { ["WITNESS_TOKEN"] = "compose-test-token-0123456789" });

        Compose.Command.Should().Equal("--witness");
        var listen = environment["CACHETSYNC_Witness__Listen"];
        listen.Should().StartWith("0.0.0.0:");
        Compose.Ports.Should().Equal($"{listen.Split(':')[1]}:{listen.Split(':')[1]}");
        environment["CACHETSYNC_Witness__Token"].Should().Be("compose-test-token-0123456789", "the secret comes from the caller's environment");
        environment.Keys.Should().NotContain("CACHETSYNC_Cachet__ApiToken", "a witness writes nothing to Cachet");
    }

    [Fact]
    public async Task Its_environment_with_a_server_configuration_is_a_valid_witness_configuration()
    {
        using var run = new TestRun();
        foreach (var (name, value) in Compose.Environment(new Dictionary<string, string> { ["WITNESS_TOKEN"] = "compose-test-token-0123456789" }))
        {
            // Bound to loopback here: tests listen on 127.0.0.1 only. Everything else is the file's own.
            run.SetEnvironment(name["CACHETSYNC_".Length..], name.EndsWith("Listen", StringComparison.Ordinal) ? $"127.0.0.1:{Loopback.PortForTheProgram()}" : value);
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var config = run.WriteConfig("""{ "Servers": [ { "Name": "a", "Url": "http://127.0.0.1:9/", "ComponentId": 1 } ] }""");
        var exit = await run.RunAsync(stop.Token, [.. Compose.Command, "--config", config]);

        exit.Should().Be(0, run.Everything);
        run.Logs.All.Should().Contain("Witness answering on 127.0.0.1:");
        run.Everything.Should().NotContain("compose-test-token-0123456789");
    }
}
