using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>
/// A Cachet 3 (or a proxy in front of it) whose <c>links.next</c> never ends or whose pages repeat, through the
/// program: the same guards as for 2.x (one page walker serves both), in the 3.x page shape.
/// </summary>
public sealed class Cachet3PaginationTests : Cachet3ProgramTest
{
    public Cachet3PaginationTests()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
    }

    private string Config() => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = new JsonObject
        {
            ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = Cachet3Stub.Token, ["ApiVersion"] = 3, ["Timeout"] = "10s",
            ["RespectMaintenance"] = false, ["Resilience"] = new JsonObject { ["MaxRetries"] = 0, ["BreakAfter"] = 0 },
        },
        ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 }),
    }.ToJsonString());

    /// <summary>A components page as Cachet 3 writes one: resources with attributes, <c>links.next</c> while more follow.</summary>
    /// <param name="status">Component 1's status on this page (a page read after a change shows the new one).</param>
    private string Page(IEnumerable<int> ids, int page, bool more, int status = 1)
    {
        var url = $"{Cachet.BaseUrl}/api/components";
        var links = new JsonObject { ["first"] = $"{url}?page=1" };
        if (more)
        {
            links["next"] = $"{url}?page={page + 1}";
        }

        var data = ids.Select(id => (JsonNode)new JsonObject
        {
            ["id"] = $"{id}", ["type"] = "components",
            ["attributes"] = new JsonObject
            {
                ["id"] = id, ["name"] = $"web-{id}", ["status"] = new JsonObject { ["human"] = "Operational", ["value"] = id == 1 ? status : 1 }, ["enabled"] = true,
                ["updated"] = new JsonObject { ["human"] = "6 minutes ago", ["string"] = "2026-11-26 14:52:15" },
            },
        });
        return new JsonObject { ["data"] = new JsonArray([.. data]), ["links"] = links, ["meta"] = new JsonObject { ["current_page"] = page, ["per_page"] = "100" } }
            .ToJsonString();
    }

    private void Serve(int page, string body) =>
        Cachet.Server.Given(Request.Create().WithPath("/api/components").WithParam("page", $"{page}").UsingGet()).AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

    private int ComponentReads => Cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Path == "/api/components");

    [Fact]
    public async Task A_cachet_that_answers_page_one_to_every_page_is_stopped_at_page_two()
    {
        Cachet.Server.Given(Request.Create().WithPath("/api/components").UsingGet()).AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Page([1, 2], page: 1, more: true)));

        var exitCode = await Run.RunAsync("--config", Config(), "--once").WaitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("GET /components page 2: Cachet answered only items already read; its pagination is broken");
        ComponentReads.Should().Be(2);
        Cachet.Puts().Should().BeEmpty("nothing is written when Cachet could not be read");
    }

    [Fact]
    public async Task A_last_page_that_repeats_earlier_components_is_an_error_not_a_short_list()
    {
        // Page 2 says it is the last, but holds only what page 1 held: whatever was on the real page 2 is missing.
        Serve(1, Page([1, 2], page: 1, more: true));
        Serve(2, Page([1, 2], page: 2, more: false));

        var exitCode = await Run.RunAsync("--config", Config(), "--once").WaitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("GET /components page 2: Cachet answered only items already read; its pagination is broken");
        ComponentReads.Should().Be(2);
    }

    [Fact]
    public async Task A_cachet_that_ignores_per_page_is_read_for_at_most_a_hundred_pages()
    {
        // One new component per page (asked for 100), and always a next link: a proxy that drops per_page.
        for (var page = 1; page <= 101; page++)
        {
            Serve(page, Page([page], page, more: true));
        }

        var exitCode = await Run.RunAsync("--config", Config(), "--once").WaitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain(
            "GET /components page 101: Cachet answers 1 items a page though per_page=100 was asked, and more than 100 pages; it (or a proxy) ignores per_page");
        ComponentReads.Should().Be(100);
    }

    [Fact]
    public async Task Pages_that_overlap_list_each_component_once()
    {
        // A component created while the pages are read shifts one onto the next page: it is listed once, not twice.
        Serve(1, Page([1, 2], page: 1, more: true));
        Serve(2, Page([2, 3], page: 2, more: false));

        var exitCode = await Run.RunAsync("--config", Config(), "--list-components", "--output", "json").WaitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(0, Run.Everything);
        JsonNode.Parse(Run.Out.ToString())!.AsArray().Select(component => component!["id"]!.GetValue<int>()).Should().Equal(1, 2, 3);
        ComponentReads.Should().Be(2);
    }

    [Fact]
    public async Task A_component_repeated_as_it_was_by_overlapping_pages_is_written_as_any_other()
    {
        Cachet.WithComponent(1, "web-1", 1);
        Serve(1, Page([1, 2], page: 1, more: true));
        Serve(2, Page([1, 3], page: 2, more: false));

        (await Run.RunAsync("--config", Config(), "--once").WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, Run.Everything);

        Cachet.Puts().Should().ContainSingle().Which.Id.Should().Be(1);
    }

    [Fact]
    public async Task A_component_listed_twice_differently_is_not_written()
    {
        Serve(1, Page([1, 2], page: 1, more: true));
        Serve(2, Page([1, 3], page: 2, more: false, status: 4));

        (await Run.RunAsync("--config", Config(), "--once").WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(2);

        Cachet.Puts().Should().BeEmpty();
        Run.Out.ToString().Should().Contain("Cachet listed component #1 twice, differently (\"web-1\" status 1, \"web-1\" status 4)");
    }
}
