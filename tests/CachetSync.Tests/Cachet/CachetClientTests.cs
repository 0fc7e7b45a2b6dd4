using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

public sealed class CachetClientTests : IDisposable
{
    private readonly CachetStub _cachet = new();
    private readonly TestProviders _providers = new();

    private CachetClient Client(int pageSize = 1000, string? token = CachetStub.Token, int maxRetries = 1)
    {
        var settings = new CachetSettings
        {
            BaseUrl = new Uri(_cachet.BaseUrl), ApiToken = token is null ? null : new Secret(token), Timeout = TimeSpan.FromSeconds(2), PageSize = pageSize,
            MaxParallelWrites = 4, MaxRetries = maxRetries, RetryDelay = TimeSpan.FromMilliseconds(10), ApiVersion = 2,
        };
        return _providers.Get<CachetClient>(new ServiceCollection().AddCachet(settings));
    }

    [Fact]
    public async Task Reads_every_page_with_the_configured_page_size()
    {
        for (var id = 1; id <= 7; id++)
        {
            _cachet.WithComponent(id, $"web-{id}", status: 1);
        }

        _cachet.ServeComponents();

        var components = await Client(pageSize: 2).ReadAllComponentsAsync(CancellationToken.None);

        components.Select(component => component.Id).Should().Equal(1, 2, 3, 4, 5, 6, 7);
        _cachet.Server.LogEntries.Select(entry => entry.RequestMessage.Query!["page"].Single()).Should().Equal("1", "2", "3", "4");
        _cachet.Server.LogEntries.Should().OnlyContain(entry => entry.RequestMessage.Path == "/api/v1/components"
            && entry.RequestMessage.Query!["per_page"].Single() == "2");
    }

    [Fact]
    public async Task Sends_the_token_and_asks_for_json()
    {
        _cachet.WithComponent(1, "web-1", 1).ServeComponents();

        await Client().ReadAllComponentsAsync(CancellationToken.None);

        var headers = _cachet.Server.LogEntries.Single().RequestMessage.Headers!;
        headers["X-Cachet-Token"].Should().Equal(CachetStub.Token);
        headers["Accept"].Single().Should().Contain("application/json");
    }

    [Fact]
    public async Task Base_url_that_already_ends_in_api_v1_is_not_doubled()
    {
        CachetServiceCollectionExtensions.ApiAddress(new Uri("https://status.test/api/v1/")).Should().Be(new Uri("https://status.test/api/v1"));
        CachetServiceCollectionExtensions.ApiAddress(new Uri("https://status.test/status")).Should().Be(new Uri("https://status.test/status/api/v1"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Pagination_that_repeats_itself_is_an_error_after_one_extra_request()
    {
        // Every page claims there are more: next_page points to itself and total_pages grows.
        _cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"meta":{"pagination":{"total":2,"count":1,"per_page":1,"current_page":1,"total_pages":2,"links":{"next_page":"self","previous_page":null}}},"data":[{"id":1,"name":"web-1","status":1,"group_id":1,"enabled":true}]}"""));

        var act = () => Client(pageSize: 1).ReadAllComponentsAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>()).WithMessage("GET /components page 2: *pagination is broken");
        _cachet.RequestCount.Should().Be(2);
    }

    [Theory]
    [InlineData("<html><body>Welcome to Cachet</body></html>", "not the expected JSON")]
    [InlineData("""{"meta":{"pagination":{"total":1""", "not the expected JSON")]
    [InlineData("""{"meta":{}}""", "without \"data\"")]
    public async Task Malformed_list_answer_is_a_clear_error(string body, string expected)
    {
        _cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(body));

        var act = () => Client().ReadAllComponentsAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>())
            .Which.Message.Should().StartWith("GET /components page 1: ").And.Contain(expected);
    }

    [Fact]
    public async Task Write_is_verified_against_the_status_cachet_answers()
    {
        _cachet.WithComponent(3, "web-3", 1).AcceptStatusWrites();

        await Client().SetStatusAsync(3, ComponentStatus.PartialOutage, CancellationToken.None);

        _cachet.Puts().Should().Equal((3, """{"status":3}"""));
        var headers = _cachet.Server.LogEntries.Single().RequestMessage.Headers!;
        headers["Content-Length"].Should().ContainSingle().Which.Should().Be("12", "PHP behind FastCGI may not read a chunked body");
        headers["Content-Type"].Single().Should().StartWith("application/json");
        headers["X-Cachet-Token"].Should().Equal(CachetStub.Token);
    }

    [Fact]
    public async Task Write_that_cachet_silently_ignored_is_a_failure()
    {
        // What Cachet does with a body it could not read: 200, component unchanged.
        _cachet.FailWrite(3, 200, """{"data":{"id":3,"name":"web-3","status":1,"group_id":1,"enabled":true}}""");

        var act = () => Client().SetStatusAsync(3, ComponentStatus.MajorOutage, CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>())
            .WithMessage("PUT /components/3: Cachet answered but the status is 1, not 4: not applied");
    }

    [Fact]
    public async Task Rejected_token_is_said_plainly_and_not_retried()
    {
        _cachet.WithComponent(3, "web-3", 1).AcceptStatusWrites();

        var act = () => Client(token: "wrong-token", maxRetries: 3).SetStatusAsync(3, ComponentStatus.MajorOutage, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<CachetException>()).Which;
        error.TokenRejected.Should().BeTrue();
        error.Message.Should().Be("PUT /components/3: Cachet rejected the API token (HTTP 401)");
        _cachet.RequestCount.Should().Be(1);
    }

    [Fact]
    public async Task Validation_error_carries_cachets_own_words()
    {
        _cachet.FailWrite(3, 400, """{"errors":[{"id":"926ae1f9-8161-4fbb-8a96-db02aaab0a8a","status":400,"title":"Bad Request","detail":"The request cannot be fulfilled due to bad syntax.","meta":{"details":["The status may not be greater than 4."]}}]}""");

        var act = () => Client().SetStatusAsync(3, ComponentStatus.MajorOutage, CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>())
            .WithMessage("PUT /components/3: Cachet answered HTTP 400 Bad Request (The status may not be greater than 4.)");
    }

    [Fact]
    public async Task Failing_read_is_retried_then_reported()
    {
        _cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody(CachetStub.ServerError));

        var act = () => Client(maxRetries: 2).ReadAllComponentsAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>()).Which.Message.Should().StartWith("GET /components page 1: Cachet answered HTTP 500");
        _cachet.RequestCount.Should().Be(3, "one try and two retries");
    }

    [Fact]
    public async Task Unreachable_cachet_is_reported_without_a_crash()
    {
        var settings = new CachetSettings
        {
            BaseUrl = new Uri($"http://127.0.0.1:{Loopback.RefusedPort}"), ApiToken = new Secret(CachetStub.Token), Timeout = TimeSpan.FromSeconds(1),
            MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10), ApiVersion = 2,
        };
        var client = _providers.Get<CachetClient>(new ServiceCollection().AddCachet(settings));

        var act = () => client.ReadAllComponentsAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>()).Which.Message.Should().StartWith("GET /components page 1: cannot reach Cachet");
    }

    public void Dispose()
    {
        _providers.Dispose();
        _cachet.Dispose();
    }
}
