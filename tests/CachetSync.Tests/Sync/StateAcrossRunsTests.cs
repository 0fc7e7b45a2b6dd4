using System.Text.Json.Nodes;
using CachetSync.Tests.Configuration;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

/// <summary>The shipped example configuration across --once runs as README and the CronJob run it, and two runs that share a state file.</summary>
public sealed class StateAcrossRunsTests : LoopbackProgramTest
{
    private readonly string _state = Path.Combine(Directory.CreateTempSubdirectory("cachetsync-state-").FullName, "cachetsync-state.json");
    private bool _healthy;

    public StateAcrossRunsTests()
    {
        Targets.Given(Request.Create().WithPath("/edge-1").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage { StatusCode = Volatile.Read(ref _healthy) ? 200 : 503 }));
        // As the example's servers would: a health answer its Expect accepts, and the test object its Throughput fetches.
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"UP"}"""));
        Targets.Given(Request.Create().WithPath("/probe/1mb.bin").UsingGet()).RespondWith(Response.Create().WithBody(new byte[1024 * 1024]));
        Cachet.WithComponent(1, "Stream EU 1", 1).WithComponent(2, "Stream EU 2", 1).WithComponent(3, "Stream US 1", 1).WithComponent(4, "RTMP ingest", 1)
            .ServeComponents().AcceptStatusWrites();
    }

    /// <summary>The example file as shipped; only what must point at this machine comes from the environment, as a deployment's would.</summary>
    private string ExampleWithLoopbackEnvironment()
    {
        Run.SetEnvironment("Cachet__BaseUrl", Cachet.BaseUrl);
        Run.SetEnvironment("Cachet__ApiToken", CachetStub.Token);
        Run.SetEnvironment("State__Path", _state);
        Run.SetEnvironment("Servers__0__Url", Targets.Urls[0] + "/edge-1");
        Run.SetEnvironment("Servers__1__Url", Targets.Urls[0] + "/ok");
        Run.SetEnvironment("Servers__2__Url", Targets.Urls[0] + "/ok?us");
        Run.SetEnvironment("Servers__3__Url", $"tcp://127.0.0.1:{Targets.Ports[0]}");
        // The example's canaries are made-up names like its servers: a deployment names its own gateway and Cachet host.
        Run.SetEnvironment("Guard__Canaries__0", $"tcp://127.0.0.1:{Targets.Ports[0]}");
        Run.SetEnvironment("Guard__Canaries__1", Cachet.BaseUrl + "/api/v1/ping");
        return Path.Combine(SettingsReaderTests.RepositoryRoot(), "appsettings.example.json");
    }

    private async Task<string> OnceAsync(string config, int expectedExit = 0)
    {
        var before = Run.Out.ToString().Length;
        (await Run.RunAsync("--config", config, "--once")).Should().Be(expectedExit, Run.Everything);
        return Run.Out.ToString()[before..];
    }

    [Fact]
    public async Task The_example_configuration_writes_an_outage_and_then_its_recovery_across_once_runs()
    {
        var config = ExampleWithLoopbackEnvironment();

        var outage = await OnceAsync(config);
        _healthy = true;
        var firstGood = await OnceAsync(config);
        var secondGood = await OnceAsync(config);

        outage.Should().MatchRegex(@"stream-eu-1 .* Operational -> MajorOutage\s+updated");
        firstGood.Should().MatchRegex(@"stream-eu-1 .* MajorOutage -> Operational\s+damped\s+Operational seen 1 of 2 cycles in a row");
        secondGood.Should().MatchRegex(@"stream-eu-1 .* MajorOutage -> Operational\s+updated");
        Cachet.Puts().Should().Equal((1, """{"status":4}"""), (1, """{"status":1}"""));
    }

    [Fact]
    public async Task The_example_configuration_without_a_state_file_is_refused_with_once_and_says_how_to_fix_it()
    {
        var config = ExampleWithLoopbackEnvironment();
        Run.SetEnvironment("State__Path", "");

        (await Run.RunAsync("--config", config, "--once")).Should().Be(1);

        Run.Error.ToString().Should().Contain("State.Path: is required with --once: Damping.ToBetter (2 counts cycles) across runs");
        Cachet.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task A_run_that_finds_the_state_file_locked_by_another_writes_nothing_and_says_so()
    {
        var config = ExampleWithLoopbackEnvironment();
        using (new FileStream(_state + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var output = await OnceAsync(config, expectedExit: 2);

            output.Should().MatchRegex(@"stream-eu-1 .* failed\s+not written: the state file is locked by another CachetSync run");
            Cachet.Puts().Should().BeEmpty();
            File.Exists(_state).Should().BeFalse("a run without the lock saves no state");
        }

        await OnceAsync(config);
        Cachet.Puts().Should().ContainSingle("once the lock is free, the next run writes");
    }

    public override void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(_state)!, recursive: true);
        base.Dispose();
    }
}
