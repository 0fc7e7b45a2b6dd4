using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// The example configuration's four servers and its Cachet, played on loopback for the manifest tests: its
/// components in a <see cref="CachetStub"/>, its servers in WireMock (edge-1 answers 503 until made healthy).
/// </summary>
public sealed class ExampleFleet : IDisposable
{
    private volatile bool _healthy;

    public ExampleFleet()
    {
        Cachet.WithComponent(1, "Stream EU 1", 1).WithComponent(2, "Stream EU 2", 1).WithComponent(3, "Stream US 1", 1).WithComponent(4, "RTMP ingest", 1)
            .ServeComponents().AcceptStatusWrites();
        Targets.Given(Request.Create().WithPath("/edge-1").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage { StatusCode = _healthy ? 200 : 503 }));
        // As the example's servers would: a health answer its Expect accepts, and the test object its Throughput fetches.
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"UP"}"""));
        Targets.Given(Request.Create().WithPath("/probe/1mb.bin").UsingGet()).RespondWith(Response.Create().WithBody(new byte[1024 * 1024]));
    }

    public CachetStub Cachet { get; } = new();

    public WireMockServer Targets { get; } = Loopback.StartWireMock();

    /// <summary>From now on edge-1 answers 200.</summary>
    public void Recover() => _healthy = true;

    /// <summary>
    /// What a deployment sets for itself beside the manifest's environment: the Secret's token, and (here) its Cachet,
    /// servers and canaries on loopback — the example's are made-up names, as a deployment names its own.
    /// </summary>
    public Dictionary<string, string> Into(Dictionary<string, string> environment)
    {
        environment["CACHETSYNC_Cachet__ApiToken"] = CachetStub.Token;
        environment["CACHETSYNC_Cachet__BaseUrl"] = Cachet.BaseUrl;
        environment["CACHETSYNC_Servers__0__Url"] = Targets.Urls[0] + "/edge-1";
        environment["CACHETSYNC_Servers__1__Url"] = Targets.Urls[0] + "/ok";
        environment["CACHETSYNC_Servers__2__Url"] = Targets.Urls[0] + "/ok?us";
        environment["CACHETSYNC_Servers__3__Url"] = $"tcp://127.0.0.1:{Targets.Ports[0]}";
        environment["CACHETSYNC_Guard__Canaries__0"] = $"tcp://127.0.0.1:{Targets.Ports[0]}";
        environment["CACHETSYNC_Guard__Canaries__1"] = Cachet.BaseUrl + "/api/v1/ping";
        return environment;
    }

    /// <summary>
    /// Three scheduled runs, as a CronJob makes them: edge-1 down, then up twice. The example damps recoveries over
    /// two cycles, so the second run's count must be read back by the third: written down, damped, written up.
    /// </summary>
    /// <param name="runOnce">One run, exit code 0 asserted; returns its JSON summary (stdout).</param>
    public void ThroughOutageAndRecovery(Func<string> runOnce)
    {
        string EdgeOneAction() => System.Text.Json.JsonDocument.Parse(runOnce()).RootElement.GetProperty("servers")[0].GetProperty("action").GetString()!;

        var outage = EdgeOneAction();
        Recover();
        var firstGood = EdgeOneAction();
        var secondGood = EdgeOneAction();

        (outage, firstGood, secondGood).Should().Be(("updated", "damped", "updated"), "the damping count survives from one run to the next");
        Cachet.Puts().Should().Equal((1, """{"status":4}"""), (1, """{"status":1}"""));
    }

    public void Dispose()
    {
        Targets.Dispose();
        Cachet.Dispose();
    }
}
