using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Cachet;

/// <summary>Cachet.ApiVersion auto (the default): the flavour told from the first components read, through the program.</summary>
public sealed class ApiVersionDetectionTests : IDisposable
{
    private readonly WireMockServer _targets = Loopback.StartWireMock();
    private readonly TestRun _run = new();

    public ApiVersionDetectionTests()
    {
        _targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
    }

    private string Config(string baseUrl, string token, string? apiVersion = null)
    {
        var cachet = new JsonObject { ["BaseUrl"] = baseUrl, ["ApiToken"] = token, ["Resilience"] = new JsonObject { ["MaxRetries"] = 0 } };
        if (apiVersion is not null)
        {
            cachet["ApiVersion"] = apiVersion;
        }

        return _run.WriteConfig(new JsonObject
        {
            ["Cachet"] = cachet,
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-1", ["Url"] = _targets.Urls[0] + "/down", ["ComponentId"] = 1 }),
        }.ToJsonString());
    }

    [Fact]
    public async Task A_cachet_2_is_recognised_by_its_components_read_at_no_extra_cost()
    {
        using var cachet = new CachetStub();
        cachet.WithComponent(1, "edge-1", 1).ServeComponents().AcceptStatusWrites();

        (await _run.RunAsync("--config", Config(cachet.BaseUrl, CachetStub.Token), "--once")).Should().Be(0, _run.Everything);

        cachet.Puts().Should().Equal((1, """{"status":4}"""));
        cachet.Server.LogEntries.Select(entry => $"{entry.RequestMessage.Method} {entry.RequestMessage.Path}").Should().Equal(
            "GET /api/v1/components", "GET /api/v1/schedules", "PUT /api/v1/components/1", "GET /api/v1/components/1");
        _run.Logs.Lines.Should().ContainSingle(line => line.Contains("speaks the 2.x API (/api/v1/components answered)"));
    }

    [Fact]
    public async Task The_cachet_it_recognised_is_named_with_its_path()
    {
        using var cachet = new CachetStub();
        cachet.WithComponent(1, "edge-1", 1).ServeComponents().AcceptStatusWrites();

        (await _run.RunAsync("--config", Config(cachet.BaseUrl + "/api/v1", CachetStub.Token), "--once")).Should().Be(0, _run.Everything);

        _run.Logs.Lines.Should().ContainSingle(line => line.Contains($"Cachet at {cachet.BaseUrl}/api/v1 speaks the 2.x API"));
    }

    [Fact]
    public async Task A_cachet_3_is_recognised_by_the_missing_2x_route_at_the_cost_of_one_request()
    {
        using var cachet = new Cachet3Stub();
        cachet.WithComponent(1, "edge-1", 1);

        (await _run.RunAsync("--config", Config(cachet.BaseUrl, Cachet3Stub.Token), "--once")).Should().Be(0, _run.Everything);

        var paths = cachet.Server.LogEntries.Select(entry => entry.RequestMessage.Path).ToList();
        paths.Count(path => path.StartsWith("/api/v1/", StringComparison.Ordinal)).Should().Be(1, "one 2.x request, answered 404");
        paths.Should().Contain("/api/components");
        cachet.Server.LogEntries.Single(entry => entry.RequestMessage.Method == "PUT").RequestMessage.Headers!["Authorization"]
            .Should().Equal($"Bearer {Cachet3Stub.Token}");
        _run.Logs.Lines.Should().ContainSingle(line => line.Contains("speaks the 3 API (/api/v1/components is not there)"));
    }

    [Fact]
    public async Task A_cachet_that_is_down_decides_nothing_and_says_why_as_always()
    {
        var exitCode = await _run.RunAsync("--config", Config($"http://127.0.0.1:{Loopback.RefusedPort}", CachetStub.Token), "--once");

        exitCode.Should().Be(2);
        _run.Out.ToString().Should().Contain("GET /components page 1: cannot reach Cachet");
        _run.Logs.Lines.Should().NotContain(line => line.Contains("speaks the"));
    }

    [Theory]
    [InlineData("2", "/api/v1/components")]
    [InlineData("3", "/api/components")]
    public async Task An_explicit_version_wins_and_asks_nothing(string apiVersion, string firstPath)
    {
        using var cachet = new CachetStub();
        cachet.WithComponent(1, "edge-1", 4).ServeComponents();

        await _run.RunAsync("--config", Config(cachet.BaseUrl, CachetStub.Token, apiVersion), "--once", "--dry-run");

        cachet.Server.LogEntries.First().RequestMessage.Path.Should().Be(firstPath);
        _run.Logs.Lines.Should().NotContain(line => line.Contains("speaks the"));
    }

    [Fact]
    public async Task An_explicit_version_a_cachet_of_the_other_one_answers_404_says_the_setting_may_be_wrong()
    {
        using var cachet = new Cachet3Stub();
        cachet.WithComponent(1, "edge-1", 1);

        var exitCode = await _run.RunAsync("--config", Config(cachet.BaseUrl, Cachet3Stub.Token, "2"), "--once");

        exitCode.Should().Be(2);
        _run.Out.ToString().Should().Contain("HTTP 404").And.Contain("Cachet.ApiVersion is 2, and a Cachet 3 answers so here; remove ApiVersion to have it detected");
        cachet.Server.LogEntries.Should().NotContain(entry => entry.RequestMessage.Method == "PUT");
    }

    public void Dispose()
    {
        _run.Dispose();
        _targets.Dispose();
    }
}
