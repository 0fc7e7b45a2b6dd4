using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>Cachet.ApiVersion 3 through the whole program, against a stub faithful to the cachethq/core sources.</summary>
public sealed class Cachet3Tests : Cachet3ProgramTest
{

    public Cachet3Tests()
    {
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithGroup(9, "Edge EU")
            .WithComponent(1, "edge-1", 1, group: 9).WithComponent(2, "edge-2", 1, group: 9)
            .WithComponent(3, "edge-3", 4).WithComponent(4, "edge-4", 6);
    }

    private string Config(string token = Cachet3Stub.Token, int pageSize = 1000, JsonObject? extra = null)
    {
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = token, ["ApiVersion"] = 3, ["PageSize"] = pageSize, ["Resilience"] = new JsonObject { ["MaxRetries"] = 0 } },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "edge-1", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "edge-2", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 2 },
                new JsonObject { ["Name"] = "edge-3", ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = 3 },
                new JsonObject { ["Name"] = "edge-4", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 4 }),
        };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value!.DeepClone();
        }

        return Run.WriteConfig(config.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Statuses_are_read_through_every_page_and_only_changes_are_written(bool plainStatus)
    {
        Cachet.PlainStatus = plainStatus;

        var exitCode = await Run.RunAsync("--config", Config(pageSize: 1000), "--once");

        exitCode.Should().Be(0, Run.Everything);
        Cachet.Puts().Should().Equal((2, """{"status":4}"""), (3, """{"status":1}"""));
        // Besides the schedules read (maintenance, on by default) and each write's read-back, every read is of components,
        // 100 at a time, with their group.
        var gets = Cachet.Server.LogEntries.Where(entry => entry.RequestMessage.Method == "GET" && entry.RequestMessage.Path != "/api/schedules")
            .Select(entry => entry.RequestMessage).ToList();
        gets.Where(read => read.Path.StartsWith("/api/components/", StringComparison.Ordinal)).Select(read => read.Path)
            .Should().BeEquivalentTo(["/api/components/2", "/api/components/3"], "each write is read back once");
        gets.Where(read => !read.Path.StartsWith("/api/components/", StringComparison.Ordinal))
            .Should().OnlyContain(read => read.Path == "/api/components" && read.Query!["per_page"].Single() == "100" && read.Query!["include"].Single() == "group");
        Run.Out.ToString().Should().MatchRegex(@"edge-4 .* UnderMaintenance -> MajorOutage\s+maintenance\s+under maintenance: its status is Under Maintenance");
    }

    [Fact]
    public async Task Small_pages_are_followed_until_links_next_is_null()
    {
        (await Run.RunAsync("--config", Config(pageSize: 1), "--once")).Should().Be(0, Run.Everything);

        Cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Path == "/api/components").Should().Be(4);
        Cachet.Puts().Should().HaveCount(2);
    }

    [Fact]
    public async Task Writes_carry_the_bearer_token_and_never_the_2x_header()
    {
        (await Run.RunAsync("--config", Config(), "--once")).Should().Be(0);

        var put = Cachet.Server.LogEntries.First(entry => entry.RequestMessage.Method == "PUT").RequestMessage;
        put.Headers!["Authorization"].Should().Equal($"Bearer {Cachet3Stub.Token}");
        put.Headers.Keys.Should().NotContain(key => key.Equals("X-Cachet-Token", StringComparison.OrdinalIgnoreCase));
        Run.Everything.Should().NotContain(Cachet3Stub.Token);
    }

    [Fact]
    public async Task Rejected_token_is_said_plainly()
    {
        (await Run.RunAsync("--config", Config(token: "3|wrong"), "--once")).Should().Be(2);

        Run.Logs.Lines.Count(line => line.Contains("Cachet rejected the API token")).Should().Be(1);
        // Writes start as probes come in, so whichever of edge-2 and edge-3 answered first meets the 401.
        Run.Out.ToString().Should().MatchRegex(@"PUT /components/[23]: Cachet rejected the API token \(HTTP 401\)");
    }

    [Fact]
    public async Task A_token_without_the_ability_is_told_apart_from_a_wrong_token()
    {
        var exitCode = await Run.RunAsync("--config", Config(token: Cachet3Stub.TokenWithoutAbilities), "--once");

        exitCode.Should().Be(2);
        Cachet.Puts().Should().BeEmpty();
        Run.Out.ToString().Should().MatchRegex(
            @"PUT /components/[23]: Cachet answered HTTP 403 Forbidden \(Invalid ability provided\.\): the token is valid but may not do this");
        Run.Everything.Should().NotContain(Cachet3Stub.TokenWithoutAbilities);
    }

    [Fact]
    public async Task Component_listing_shows_groups_from_the_relationships()
    {
        (await Run.RunAsync("--config", Config(), "--list-components")).Should().Be(0, Run.Everything);

        Run.Out.ToString().Should().MatchRegex(@"1\s+edge-1\s+Edge EU \(#9\)\s+Operational").And.Contain("4 components in 1 groups.");
        Run.Out.ToString().Should().MatchRegex(@"4\s+edge-4\s+\S+\s+UnderMaintenance", "status 6 is shown as what it is, not as Unknown");
    }

    [Fact]
    public async Task Json_listing_names_status_6_and_gives_ungrouped_components_a_null_group()
    {
        Cachet.WithComponent(5, "loose", 1, group: null);

        (await Run.RunAsync("--config", Config(), "--list-components", "--output", "json")).Should().Be(0, Run.Everything);

        using var json = System.Text.Json.JsonDocument.Parse(Run.Out.ToString());
        var byName = json.RootElement.EnumerateArray().ToDictionary(component => component.GetProperty("name").GetString()!);
        byName["edge-4"].GetProperty("status").GetString().Should().Be("UnderMaintenance");
        byName["loose"].GetProperty("groupId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        byName["loose"].GetProperty("group").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        byName["edge-1"].GetProperty("groupId").GetInt32().Should().Be(9);
    }

    [Fact]
    public async Task Outage_opens_a_cachet_3_incident_and_also_writes_the_status_then_recovery_fixes_it()
    {
        var extra = new JsonObject { ["Incidents"] = new JsonObject { ["Enabled"] = true, ["Notify"] = true } };

        (await Run.RunAsync("--config", Config(extra: extra), "--once")).Should().Be(0, Run.Everything);

        var created = JsonNode.Parse(Cachet.Posts().Single(post => post.Path == "/api/incidents").Body)!;
        created["component_id"]!.GetValue<int>().Should().Be(2);
        created["component_status"]!.GetValue<int>().Should().Be(4);
        created["notifications"]!.GetValue<bool>().Should().BeTrue("3.x calls notify 'notifications'");
        created["visible"]!.GetValue<bool>().Should().BeTrue();
        Cachet.Puts().Should().Contain((2, """{"status":4}"""), "on 3.x the incident does not set the component");
        Cachet.ComponentStatus(2).Should().Be(4);

        Targets.Given(Request.Create().WithPath("/down").UsingGet()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200));
        (await Run.RunAsync("--config", Config(extra: extra), "--once")).Should().Be(0, Run.Everything);

        Cachet.Posts().Should().ContainSingle(post => post.Path == "/api/incidents/1/updates");
        Cachet.Incidents.Single()["status"]!.GetValue<int>().Should().Be(4);
        Cachet.ComponentStatus(2).Should().Be(1);
    }

    [Fact]
    public async Task Latency_goes_to_averaged_cachet_3_metrics()
    {
        var extra = new JsonObject { ["Metrics"] = new JsonObject { ["Enabled"] = true } };

        (await Run.RunAsync("--config", Config(extra: extra), "--once")).Should().Be(0, Run.Everything);

        var created = Cachet.Posts().Where(post => post.Path == "/api/metrics").Select(post => JsonNode.Parse(post.Body)!).ToList();
        created.Select(metric => metric["name"]!.GetValue<string>()).Should().BeEquivalentTo("edge-1 latency", "edge-2 latency", "edge-3 latency", "edge-4 latency");
        created.Should().OnlyContain(metric => metric["calc_type"]!.GetValue<int>() == 1);
        Cachet.Posts().Count(post => post.Path.EndsWith("/points", StringComparison.Ordinal)).Should().Be(4);
    }
}
