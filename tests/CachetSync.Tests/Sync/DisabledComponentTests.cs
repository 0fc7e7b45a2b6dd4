using System.Text.Json;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

/// <summary>
/// Both Cachets take a status write to a disabled component (<c>enabled: false</c>) and show it nowhere
/// (../shared/cachet-api/README.md, observed 2026-12-07): "updated" alone would tell the operator the page shows it.
/// </summary>
public sealed class DisabledComponentTests : LoopbackProgramTest
{
    public DisabledComponentTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "edge-1", 1).WithComponent(2, "edge-2", 1).Disable(2).ServeComponents().AcceptStatusWrites();
    }

    [Fact]
    public async Task A_write_to_a_disabled_component_is_made_and_says_the_page_does_not_show_it()
    {
        var config = Run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "edge-1", ["Url"] = $"{Targets.Urls[0]}/down", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "edge-2", ["Url"] = $"{Targets.Urls[0]}/down", ["ComponentId"] = 2 }),
        }.ToJsonString());

        var exit = await Run.RunAsync("--config", config, "--once", "--output", "json");

        exit.Should().Be(0, Run.Everything);
        var servers = JsonDocument.Parse(Run.Out.ToString()).RootElement.GetProperty("servers").EnumerateArray().ToDictionary(s => s.GetProperty("server").GetString()!);
        servers["edge-2"].GetProperty("action").GetString().Should().Be("updated", "kept for when the component is enabled again");
        servers["edge-2"].GetProperty("note").GetString().Should().Be("HTTP 503; the component is disabled in Cachet: its page does not show it");
        servers["edge-1"].GetProperty("note").ValueKind.Should().Be(JsonValueKind.Null, "an enabled component's write needs no word");
        Cachet.StatusOf(2).Should().Be(4);
    }
}
