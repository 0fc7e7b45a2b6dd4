using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

/// <summary>Probe depth through the whole program: what reaches Cachet, the summary, and what never reaches the output.</summary>
public sealed class ProbeDepthCycleTests : LoopbackProgramTest
{
    private const string ProbeToken = "edge-bearer-5f0c9e2a71";

    private string Config(JsonObject probe) => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["Thresholds"] = new JsonObject { ["SlowAfter"] = "off" },
        ["Servers"] = new JsonArray(
            new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + "/status", ["ComponentId"] = 1, ["Probe"] = probe },
            new JsonObject { ["Name"] = "edge-2", ["Url"] = Targets.Urls[0] + "/plain", ["ComponentId"] = 2 }),
    }.ToJsonString());

    [Fact]
    public async Task A_failed_json_condition_is_written_as_its_status_with_the_reason_in_the_summary()
    {
        Targets.Given(Request.Create().WithPath("/status")).RespondWith(Response.Create().WithBody("""{"status":"DEGRADED"}"""));
        Targets.Given(Request.Create().WithPath("/plain")).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).ServeComponents().AcceptStatusWrites();
        var config = Config(new JsonObject { ["Expect"] = new JsonObject { ["Pointer"] = "/status", ["Equals"] = "UP" } });

        var exitCode = await Run.RunAsync("--config", config, "--once", "--output", "json");

        exitCode.Should().Be(0);
        Cachet.Puts().Should().ContainSingle().Which.Should().Match<(int Id, string Body)>(put => put.Id == 1 && put.Body.Contains("\"status\":3"));
        var edge1 = JsonNode.Parse(Run.Out.ToString())!["servers"]![0]!;
        edge1["desired"]!.GetValue<string>().Should().Be("PartialOutage");
        edge1["reason"]!.GetValue<string>().Should().Be("HTTP 200; /status is \"DEGRADED\", expected \"UP\"");
        edge1["attempts"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_server_echoing_the_probe_token_into_a_reason_never_gets_it_printed()
    {
        // A hostile (or merely chatty) server puts the Authorization header it got into the very field the condition quotes.
        Targets.Given(Request.Create().WithPath("/status"))
            .RespondWith(Response.Create().WithBody("{\"status\":\"{{request.headers.Authorization}}\"}").WithTransformer());
        Targets.Given(Request.Create().WithPath("/plain")).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).ServeComponents();
        Run.SetEnvironment("Servers__0__Probe__Auth__Bearer", ProbeToken);
        var config = Config(new JsonObject { ["Expect"] = new JsonObject { ["Pointer"] = "/status", ["Equals"] = "UP" } });

        await Run.RunAsync("--config", config, "--once", "--dry-run");
        await Run.RunAsync("--config", config, "--once", "--dry-run", "--output", "json");

        Targets.LogEntries.Where(entry => entry.RequestMessage.Path == "/status")
            .Should().OnlyContain(entry => entry.RequestMessage.Headers!["Authorization"].Single() == "Bearer " + ProbeToken, "the token came from the environment");
        Run.Out.ToString().Should().Contain("/status is \"***\", expected \"UP\"", "the condition is reported, the header value is masked");
        Run.Everything.Should().NotContain(ProbeToken);
    }

    [Fact]
    public async Task A_header_value_that_is_a_plain_word_does_not_mangle_the_output()
    {
        // Header values are secrets; were "true" masked, "dryRun":true would print as "dryRun":*** — no JSON at all.
        Targets.Given(Request.Create().WithPath("/status"))
            .RespondWith(Response.Create().WithBody("{\"status\":\"{{request.headers.X-Key}}\"}").WithTransformer());
        Targets.Given(Request.Create().WithPath("/plain")).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).ServeComponents();
        var config = Config(new JsonObject
        {
            ["Headers"] = new JsonObject { ["X-Debug"] = "true", ["X-Key"] = "k3y-Fq81-z0" },
            ["Expect"] = new JsonObject { ["Pointer"] = "/status", ["Equals"] = "UP" },
        });

        await Run.RunAsync("--config", config, "--once", "--dry-run", "--output", "json");

        var summary = JsonNode.Parse(Run.Out.ToString())!;
        summary["dryRun"]!.GetValue<bool>().Should().BeTrue();
        Targets.LogEntries.Single(entry => entry.RequestMessage.Path == "/status").RequestMessage.Headers!["X-Debug"].Should().Equal("true");
        ((string)summary["servers"]![0]!["reason"]!).Should().Contain("/status is \"***\"", "a value that looks like a key is still masked");
        Run.Everything.Should().NotContain("k3y-Fq81-z0");
    }

    [Fact]
    public async Task The_table_shows_the_body_rate_and_the_json_carries_it()
    {
        Targets.Given(Request.Create().WithPath("/status")).RespondWith(Response.Create().WithBody(new byte[256 * 1024]));
        Targets.Given(Request.Create().WithPath("/plain")).RespondWith(Response.Create().WithStatusCode(200));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).ServeComponents();
        var config = Config(new JsonObject { ["Throughput"] = new JsonObject { ["Bytes"] = "256KiB", ["MinRate"] = "1KiB/s" } });

        await Run.RunAsync("--config", config, "--once", "--dry-run");
        await Run.RunAsync("--config", config, "--once", "--dry-run", "--output", "json");

        var table = Run.Out.ToString();
        table.Should().MatchRegex(@"edge-1 +HTTP 200, [\d.]+ [KMG]iB/s ");
        var servers = JsonNode.Parse(table[table.IndexOf('{', StringComparison.Ordinal)..])!["servers"]!;
        servers[0]!["throughputBytesPerSecond"]!.GetValue<double>().Should().BeGreaterThan(1024);
        servers[1]!["throughputBytesPerSecond"].Should().BeNull("edge-2 has no throughput probe");
    }
}
