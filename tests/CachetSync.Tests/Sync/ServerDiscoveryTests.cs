using System.Text.Json.Nodes;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Sync;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Sync;

public sealed class ServerDiscoveryTests : LoopbackProgramTest
{
    private static ServerTemplate Template(string group, string url) =>
        new("Servers[1]", group, url, ThresholdSettings.BuiltIn, VerifyTls: null, Enabled: true);

    [Theory]
    [InlineData("Edge EU 1", "edge-eu-1")]
    [InlineData("  Stream #7 (Paris)  ", "stream-7-paris")]
    [InlineData("ÄÖ", "")]
    public void Slug_keeps_ascii_letters_and_digits_and_joins_the_rest_with_dashes(string name, string slug) =>
        ServerTemplate.Slug(name).Should().Be(slug);

    [Fact]
    public void A_groups_probe_section_applies_to_every_server_it_makes()
    {
        var (templates, problems) = ReadTemplates("""
            { "Probe": { "Headers": { "X-Fleet": "f-1" } },
              "Servers": [ { "Group": "Edge EU", "Url": "https://{slug}.stream.test/health",
                             "Probe": { "Expect": { "Pointer": "/status", "Equals": "UP" } } } ] }
            """);
        var components = new[] { new CachetComponent(7, "Edge EU 7", 1, 2, true) };

        var (servers, _) = ServerDiscovery.Expand([], templates, components, [new CachetGroup(2, "Edge EU")]);

        problems.Should().BeEmpty();
        var probe = servers.Single().Probe!;
        probe.Expect!.Pointer.Should().Be("/status");
        probe.Headers.Keys.Should().Equal("X-Fleet");
    }

    private static (IReadOnlyList<ServerTemplate> Templates, IReadOnlyList<CachetSync.Configuration.ConfigProblem> Problems) ReadTemplates(string json)
    {
        var (settings, problems) = CachetSync.Configuration.SettingsReader.Read(CachetSync.Configuration.ConfigTree.Parse(json), dryRun: true);
        return (settings?.Templates ?? [], problems);
    }

    [Fact]
    public void Group_becomes_one_server_per_enabled_component_and_configured_servers_win()
    {
        var components = new[]
        {
            new CachetComponent(1, "Edge EU 1", 1, 2, true),
            new CachetComponent(2, "Edge EU 2", 1, 2, true),
            new CachetComponent(3, "Edge EU 3", 1, 2, false),
            new CachetComponent(4, "Edge US 1", 1, 5, true),
        };
        var configured = new[] { new ServerSettings { Name = "my-edge", Url = new Uri("http://own.test/"), ComponentId = 1 } };

        var (servers, problems) = ServerDiscovery.Expand(
            configured, [Template("Edge EU", "https://{slug}.stream.test/health?id={id}")], components, [new CachetGroup(2, "Edge EU"), new CachetGroup(5, "Edge US")]);

        problems.Should().BeEmpty();
        servers.Select(server => (server.Name, server.Url.ToString(), server.ComponentId)).Should().Equal(
            ("my-edge", "http://own.test/", 1),
            ("Edge EU 2", "https://edge-eu-2.stream.test/health?id=2", 2));
    }

    [Fact]
    public void Unknown_group_and_names_that_make_no_url_are_problems_not_crashes()
    {
        var (servers, problems) = ServerDiscovery.Expand(
            [],
            [Template("Nope", "https://{slug}.test/"), Template("Edge", "https://{name}.test/")],
            [new CachetComponent(1, "has space", 1, 2, true)],
            [new CachetGroup(2, "Edge")]);

        servers.Should().BeEmpty();
        problems.Should().Equal(
            "Servers[1]: no component group named \"Nope\" in Cachet",
            "Servers[1]: component \"has space\" (#1) gives no valid URL (\"https://has space.test/\"); use {slug} or {id}");
    }

    [Fact]
    public async Task A_cycle_probes_and_writes_the_components_of_a_group()
    {
        Targets.Given(Request.Create().WithPath("/s/edge-eu-1").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        Targets.Given(Request.Create().WithPath("/s/edge-eu-2").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "Edge EU 1", 1, groupId: 2).WithComponent(2, "Edge EU 2", 1, groupId: 2).WithComponent(3, "Other", 1, groupId: 5)
            .ServeComponents().ServeGroups((2, "Edge EU"), (5, "Edge US")).AcceptStatusWrites();
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Servers"] = new JsonArray(new JsonObject { ["Group"] = "Edge EU", ["Url"] = Targets.Urls[0] + "/s/{slug}" }),
        };

        (await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once")).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().Equal((2, """{"status":4}"""));
        Run.Out.ToString().Should().MatchRegex(@"Edge EU 1\s+HTTP 200 .* unchanged").And.MatchRegex(@"Edge EU 2\s+HTTP 503 .* updated");
        Targets.LogEntries.Select(entry => entry.RequestMessage.Path).Should().BeEquivalentTo("/s/edge-eu-1", "/s/edge-eu-2");
    }

    [Fact]
    public async Task A_group_entry_is_validated_like_any_other()
    {
        var config = """{ "Servers": [ { "Group": "Edge EU", "Url": "https://fixed.example.com/health", "Name": "x" } ] }""";

        (await Run.RunAsync("--config", Run.WriteConfig(config), "--once", "--dry-run")).Should().Be(1);

        Run.Error.ToString().Should().Contain("Servers[0].Url: \"https://fixed.example.com/health\" is not a URL template using {name}, {slug} or {id}")
            .And.Contain("Servers[0].Name: unknown key");
    }
}
