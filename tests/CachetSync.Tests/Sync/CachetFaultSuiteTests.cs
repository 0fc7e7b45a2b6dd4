using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>
/// Every Cachet fault through the whole program, each with the same known token and every log category at
/// Trace: the outcome is asserted, and the token must appear in none of stdout, stderr or the logs.
/// </summary>
public sealed class CachetFaultSuiteTests : LoopbackProgramTest
{
    private const string Token = "fault-suite-token-7f3a9c2e51d04b";
    private readonly List<IDisposable> _extra = [];

    public CachetFaultSuiteTests()
        : base(Token)
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1).WithComponent(3, "web-3", 1);
    }

    private JsonObject Config(string baseUrl) => new()
    {
        ["Cachet"] = new JsonObject
        {
            ["BaseUrl"] = baseUrl, ["ApiToken"] = Token, ["Timeout"] = "2s", ["PageSize"] = 2,
            ["Resilience"] = new JsonObject { ["MaxRetries"] = 1, ["RetryDelay"] = "10ms", ["BreakAfter"] = 0 },
        },
        ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
        ["Servers"] = new JsonArray(
            new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 },
            new JsonObject { ["Name"] = "web-2", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 2 }),
        ["Logging"] = new JsonObject
        {
            ["LogLevel"] = new JsonObject { ["Default"] = "Trace", ["System.Net.Http.HttpClient"] = "Trace", ["Microsoft"] = "Trace", ["Polly"] = "Trace" },
        },
    };

    private void ComponentsAnswer(int status, string body, params (string Name, string Value)[] headers)
    {
        var response = Response.Create().WithStatusCode(status).WithBody(body);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet()).AtPriority(1).RespondWith(response);
    }

    /// <summary>Sets the fault up; returns the Cachet base URL to configure.</summary>
    private string Arrange(string fault)
    {
        Cachet.ServeComponents().AcceptStatusWrites();
        switch (fault)
        {
            case "down":
                return $"http://127.0.0.1:{Loopback.RefusedPort}";
            case "silent":
                var silent = new RawTcpServer(RawTcpServer.Behaviour.Silent);
                _extra.Add(silent);
                return $"http://127.0.0.1:{silent.Port}";
            case "html":
                ComponentsAnswer(200, "<!DOCTYPE html><html><body>Cachet</body></html>", ("Content-Type", "text/html"));
                break;
            case "truncated":
                ComponentsAnswer(200, """{"meta":{"pagination":{"total":3,"count":2,"per_page":2""");
                break;
            case "no data":
                ComponentsAnswer(200, """{"meta":{"pagination":{"total":3}}}""");
                break;
            case "page ignored":
                // Every page is page 1 again, with next_page pointing back at itself.
                ComponentsAnswer(200, """{"meta":{"pagination":{"total":3,"count":2,"per_page":2,"current_page":1,"total_pages":2,"links":{"next_page":"self","previous_page":null}}},"data":[{"id":1,"name":"web-1","status":1},{"id":2,"name":"web-2","status":1}]}""");
                break;
            case "500 on one write":
                Cachet.FailWrite(1, 500, CachetStub.ServerError);
                break;
            case "401":
                Cachet.FailWrite(1, 401, CachetStub.Unauthorized).FailWrite(2, 401, CachetStub.Unauthorized);
                break;
            case "429 then fine":
                Cachet.FailNextComponentReads(1, 429, """{"errors":[]}""", ("Retry-After", "0"));
                break;
        }

        return Cachet.BaseUrl;
    }

    [Theory]
    [InlineData("down", 2, "cannot reach Cachet")]
    [InlineData("silent", 2, "Cachet did not answer in time")]
    [InlineData("html", 2, "not the expected JSON")]
    [InlineData("truncated", 2, "not the expected JSON")]
    [InlineData("no data", 2, "without \"data\"")]
    [InlineData("page ignored", 2, "pagination is broken")]
    [InlineData("500 on one write", 2, "PUT /components/1: Cachet answered HTTP 500")]
    [InlineData("401", 2, "Cachet rejected the API token")]
    [InlineData("429 then fine", 0, "2 updated")]
    public async Task Cachet_fault_is_reported_clearly_and_never_leaks_the_token(string fault, int exitCode, string expected)
    {
        var config = Run.WriteConfig(Config(Arrange(fault)).ToJsonString());

        var actual = await Run.RunAsync("--config", config, "--once");

        actual.Should().Be(exitCode, Run.Everything);
        Run.Out.ToString().Should().Contain(expected);
        Run.Out.ToString().Should().MatchRegex(@"web-1\s+HTTP 503").And.MatchRegex(@"web-2\s+HTTP 503", "probes are summarized whatever Cachet did");
        Run.Everything.Should().NotContain(Token);
        if (fault is not ("500 on one write" or "401" or "429 then fine"))
        {
            Cachet.Puts().Should().BeEmpty("nothing is written when Cachet could not be read");
        }
    }

    [Fact]
    public async Task Only_one_line_says_the_token_was_rejected_and_the_second_write_is_not_sent()
    {
        var json = Config(Arrange("401"));
        json["Cachet"]!["MaxParallelWrites"] = 1;
        var config = Run.WriteConfig(json.ToJsonString());

        (await Run.RunAsync("--config", config, "--once")).Should().Be(2);

        Run.Logs.Lines.Count(line => line.Contains("Cachet rejected the API token")).Should().Be(1);
        Cachet.Puts().Should().ContainSingle("after a 401 no further write is sent");
        Run.Out.ToString().Should().Contain("not sent: Cachet rejected the API token");
    }

    [Fact]
    public async Task Plain_http_to_a_remote_cachet_warns_that_the_token_travels_unencrypted()
    {
        var remote = Config("http://status.example.invalid");
        var local = Config(Cachet.BaseUrl);

        await Run.RunAsync("--config", Run.WriteConfig(remote.ToJsonString(), "remote.json"), "--once", "--dry-run");
        Run.Logs.Lines.Should().ContainSingle(line => line.Contains("is plain http: the API token travels unencrypted"));
        using var second = new TestRun();
        await second.RunAsync("--config", second.WriteConfig(local.ToJsonString()), "--once", "--dry-run");
        second.Logs.Lines.Should().NotContain(line => line.Contains("plain http"), "loopback traffic never leaves the machine");
    }

    public override void Dispose()
    {
        _extra.ForEach(item => item.Dispose());
        base.Dispose();
    }
}
