using System.Text.Json;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Cachet;

/// <summary><c>--list-components</c>: every component of every page, with its group, to help write the configuration.</summary>
public sealed class ListComponentsTests : IDisposable
{
    private readonly CachetStub _cachet = new();
    private readonly TestRun _run = new();

    public ListComponentsTests()
    {
        _cachet.WithComponent(1, "edge-eu-1", 1, groupId: 2).WithComponent(2, "edge-eu-2", 4, groupId: 2)
            .WithComponent(3, "ingest", 2, groupId: 0).WithComponent(4, "edge-us-1", 3, groupId: 5)
            .ServeComponents().ServeGroups((2, "Edge EU"), (5, "Edge US"));
    }

    private string Config(string? baseUrl) =>
        _run.WriteConfig($$"""{ "Cachet": { "BaseUrl": "{{baseUrl ?? ""}}", "PageSize": 2, "Resilience": { "MaxRetries": 0 } } }""");

    [Fact]
    public async Task Lists_every_component_of_every_page_with_its_group_and_needs_no_token()
    {
        var exitCode = await _run.RunAsync("--config", Config(_cachet.BaseUrl), "--list-components");

        exitCode.Should().Be(0, _run.Everything);
        var lines = _run.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().MatchRegex("^ID +NAME +GROUP +STATUS +ENABLED$");
        lines.Should().Contain(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^2\s+edge-eu-2\s+Edge EU \(#2\)\s+MajorOutage\s+yes$"));
        lines.Should().Contain(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^3\s+ingest\s+-\s+PerformanceIssues\s+yes$"));
        lines[^1].Should().Be("4 components in 2 groups.");
        _cachet.Puts().Should().BeEmpty();
    }

    [Fact]
    public async Task Json_listing_has_one_object_per_component()
    {
        (await _run.RunAsync("--config", Config(_cachet.BaseUrl), "--list-components", "--output", "json")).Should().Be(0);

        using var json = JsonDocument.Parse(_run.Out.ToString());
        json.RootElement.GetArrayLength().Should().Be(4);
        json.RootElement[3].GetProperty("group").GetString().Should().Be("Edge US");
        json.RootElement[3].GetProperty("status").GetString().Should().Be("PartialOutage");
        json.RootElement[2].GetProperty("name").GetString().Should().Be("ingest");
        json.RootElement[2].GetProperty("groupId").ValueKind.Should().Be(JsonValueKind.Null, "2.4's group_id 0 means no group");
    }

    [Fact]
    public async Task Without_a_base_url_it_says_what_is_missing()
    {
        (await _run.RunAsync("--config", Config(null), "--list-components")).Should().Be(1);

        _run.Error.ToString().Should().Contain("--list-components needs Cachet.BaseUrl");
    }

    [Fact]
    public async Task Unreachable_cachet_exits_2_with_the_reason()
    {
        (await _run.RunAsync("--config", Config($"http://127.0.0.1:{Loopback.RefusedPort}"), "--list-components")).Should().Be(2);

        _run.Error.ToString().Should().Contain("GET /components page 1: cannot reach Cachet");
    }

    public void Dispose()
    {
        _run.Dispose();
        _cachet.Dispose();
    }
}
