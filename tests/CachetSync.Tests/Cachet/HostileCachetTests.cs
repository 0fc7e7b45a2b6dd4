using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>A Cachet (or whatever answers in its place) that redirects, trickles, floods or ignores per_page, through the program.</summary>
public sealed class HostileCachetTests : LoopbackProgramTest
{
    public HostileCachetTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "web-1", 1);
    }

    private string Config(string baseUrl, int pageSize = 1000) => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject
        {
            ["BaseUrl"] = baseUrl, ["ApiToken"] = CachetStub.Token, ["Timeout"] = "2s", ["PageSize"] = pageSize,
            ["Resilience"] = new JsonObject { ["MaxRetries"] = 1, ["RetryDelay"] = "10ms", ["BreakAfter"] = 0 },
        },
        ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 }),
        ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Trace" } },
    }.ToJsonString());

    private async Task<int> RunOnceAsync(string config) => await Run.RunAsync("--config", config, "--once").WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed_and_the_token_never_goes_there()
    {
        using var elsewhere = Loopback.StartWireMock();
        elsewhere.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"data":{"id":1,"status":4}}"""));
        Cachet.ServeComponents();
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components/1").UsingPut()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(301).WithHeader("Location", elsewhere.Urls[0] + "/api/v1/components/1"));

        var exitCode = await RunOnceAsync(Config(Cachet.BaseUrl));

        exitCode.Should().Be(2, "the write did not happen");
        elsewhere.LogEntries.Should().BeEmpty("neither the token nor the write may leave for another host");
        Run.Out.ToString().Should().Contain($"Cachet answered HTTP 301, a redirect to {elsewhere.Urls[0]}/api/v1/components/1: not followed");
    }

    [Fact]
    public async Task An_empty_component_list_from_whatever_answers_is_an_error_not_a_quiet_cycle_with_nothing_to_do()
    {
        using var proxy = Loopback.StartWireMock();
        proxy.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"data": []}"""));
        var config = Run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = proxy.Urls[0], ["ApiToken"] = CachetStub.Token },
            // Servers found through a component group: an empty list would find none, and plan nothing.
            ["Servers"] = new JsonArray(new JsonObject { ["Group"] = "Edge EU", ["Url"] = Targets.Urls[0] + "/s/{slug}" }),
        }.ToJsonString());

        var exitCode = await RunOnceAsync(config);

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("Cachet listed no components at all, though 1 server entries are configured (a proxy or another service answering at Cachet.BaseUrl?)");
        proxy.LogEntries.Should().OnlyContain(entry => entry.RequestMessage.Method == "GET", "nothing is written");
    }

    [Fact]
    public async Task A_redirected_component_read_is_an_error_naming_the_target()
    {
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "https://login.example.test/sso?next=%2Fapi"));

        var exitCode = await RunOnceAsync(Config(Cachet.BaseUrl));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("a redirect to https://login.example.test/sso?***: not followed");
        Cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Method == "GET").Should().Be(1, "a redirect is not retried");
    }

    [Fact]
    public async Task A_cachet_that_sends_headers_then_stalls_the_body_is_cut_off_by_the_attempt_timeout()
    {
        using var stalling = new RawTcpServer(RawTcpServer.Behaviour.HeadersThenStall);

        var exitCode = await RunOnceAsync(Config($"http://127.0.0.1:{stalling.Port}"));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("GET /components page 1: Cachet did not answer in time");
        stalling.Accepted.Should().Be(2, "one attempt and one retry, each cut at Cachet.Timeout");
    }

    [Fact]
    public async Task An_endless_answer_is_refused_at_the_size_cap()
    {
        using var endless = new RawTcpServer(RawTcpServer.Behaviour.EndlessBody);

        var exitCode = await RunOnceAsync(Config($"http://127.0.0.1:{endless.Port}"));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("GET /components page 1: Cachet answered more than 16 MiB");
        endless.Accepted.Should().Be(1, "the same request would bring the same answer: not retried");
        endless.BodyBytesSent.Should().BeLessThan(32L * 1024 * 1024);
    }

    [Fact]
    public async Task A_declared_oversized_answer_is_refused_before_it_is_read()
    {
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(new string(' ', 17 * 1024 * 1024)));

        var exitCode = await RunOnceAsync(Config(Cachet.BaseUrl));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("Cachet answered more than 16 MiB; lower Cachet.PageSize");
    }

    [Fact]
    public async Task A_cachet_that_ignores_per_page_is_not_walked_page_by_page()
    {
        var page = """
            {"meta":{"pagination":{"total":10000,"count":1,"per_page":1,"current_page":1,"total_pages":10000}},
             "data":[{"id":1,"name":"web-1","status":1,"group_id":1,"enabled":true}]}
            """;
        Cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(page));

        var exitCode = await RunOnceAsync(Config(Cachet.BaseUrl));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("Cachet answers 1 items a page though per_page=1000 was asked, and more than 100 pages; it (or a proxy) ignores per_page");
        Cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Path == "/api/v1/components").Should().Be(1);
    }

    [Fact]
    public async Task A_small_page_size_cachet_honours_is_still_walked_to_the_end()
    {
        for (var id = 2; id <= 5; id++)
        {
            Cachet.WithComponent(id, $"web-{id}", 1);
        }

        Cachet.ServeComponents().AcceptStatusWrites();

        var exitCode = await RunOnceAsync(Config(Cachet.BaseUrl, pageSize: 1));

        exitCode.Should().Be(0, Run.Everything);
        Cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Path == "/api/v1/components").Should().Be(5);
    }
}
