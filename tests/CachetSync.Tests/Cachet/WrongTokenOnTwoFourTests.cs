using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>
/// Cachet 2.4 reads with a token it does not accept as if anonymous: a disabled component is not listed, so a server
/// naming it found "no component" before any write said 401 (../shared/cachet-api/README.md, observed 2026-12-07).
/// </summary>
public sealed class WrongTokenOnTwoFourTests : LoopbackProgramTest
{
    public WrongTokenOnTwoFourTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        // "disabled-1" is not listed: what an anonymous read of a Cachet with it disabled shows.
        Cachet.WithComponent(1, "edge-1", 1).ServeComponents().AcceptStatusWrites();
    }

    private string Config(string token) => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = token, ["ApiVersion"] = 2 },
        ["Servers"] = new JsonArray(
            new JsonObject { ["Name"] = "disabled-1", ["Url"] = $"{Targets.Urls[0]}/down", ["Component"] = "disabled-1" },
            new JsonObject { ["Name"] = "edge-1", ["Url"] = $"{Targets.Urls[0]}/down", ["Component"] = "edge-1" }),
    }.ToJsonString());

    [Fact]
    public async Task A_missing_name_with_a_token_cachet_does_not_accept_is_said_as_the_token_and_nothing_is_written()
    {
        var exit = await Run.RunAsync("--config", Config("not-the-token"), "--once");

        exit.Should().Be(2);
        Run.Logs.All.Should().Contain("Cachet rejected the API token").And.Contain("\"disabled-1\" seemed missing");
        Cachet.Requests("PUT", "/api/v1/components/0").Should().ContainSingle("the check writes nothing, and is made once");
        Cachet.Puts().Should().OnlyContain(put => put.Id == 0, "no status is written with a token Cachet refuses");
    }

    [Fact]
    public async Task With_a_token_cachet_accepts_a_missing_name_is_only_that()
    {
        var exit = await Run.RunAsync("--config", Config(CachetStub.Token), "--once");

        exit.Should().Be(2, "a server whose component is missing failed");
        Run.Out.ToString().Should().Contain("no component named \"disabled-1\" in Cachet");
        Run.Logs.All.Should().NotContain("rejected the API token");
        Cachet.StatusOf(1).Should().Be(4, "the other server is written as usual");
    }
}
