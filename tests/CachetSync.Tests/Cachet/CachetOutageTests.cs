using System.Diagnostics;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Cachet;

/// <summary>A slow, rate-limiting or failing Cachet, through the one resilience pipeline every Cachet call uses.</summary>
public sealed class CachetOutageTests : IDisposable
{
    private readonly CachetStub _cachet = new();
    private readonly TestProviders _providers = new();

    private CachetClient Client(
        TimeSpan timeout, int maxRetries, int breakAfter = 0, TimeSpan? breakFor = null, TimeProvider? time = null, string? baseUrl = null)
    {
        var settings = new CachetSettings
        {
            BaseUrl = new Uri(baseUrl ?? _cachet.BaseUrl), ApiToken = new Secret(CachetStub.Token), Timeout = timeout, MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(50), BreakAfter = breakAfter, ApiVersion = 2,
        };
        settings = breakFor is { } given ? settings with { BreakFor = given } : settings;
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        return _providers.Get<CachetClient>(services.AddCachet(settings));
    }

    private int Requests(string method) => _cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Method == method);

    [Fact]
    public async Task Slow_cachet_is_bounded_by_the_timeout_and_reads_are_retried()
    {
        // A Cachet that accepts and never answers; a timed-out attempt abandons its connection, so each try connects anew.
        using var silent = new RawTcpServer(RawTcpServer.Behaviour.Silent);
        var clock = Stopwatch.StartNew();

        var act = () => Client(TimeSpan.FromMilliseconds(300), maxRetries: 2, baseUrl: $"http://127.0.0.1:{silent.Port}")
            .ReadAllComponentsAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>()).WithMessage("GET /components page 1: Cachet did not answer in time");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "three 300 ms attempts and short back-offs, not forever");
        silent.Accepted.Should().Be(3, "one try and two retries");
    }

    [Fact]
    public async Task Status_write_is_idempotent_so_a_failing_put_is_retried()
    {
        _cachet.WithComponent(1, "web-1", 1).FailWrite(1, 503, CachetStub.ServerError);

        var act = () => Client(TimeSpan.FromSeconds(2), maxRetries: 2).SetStatusAsync(1, CachetSync.Thresholds.ComponentStatus.MajorOutage, CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>()).Which.Message.Should().StartWith("PUT /components/1: Cachet answered HTTP 503");
        Requests("PUT").Should().Be(3);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        _cachet.WithComponent(1, "web-1", 1).ServeComponents().FailNextComponentReads(1, 429, """{"errors":[]}""", ("Retry-After", "1"));
        var clock = Stopwatch.StartNew();

        var components = await Client(TimeSpan.FromSeconds(2), maxRetries: 1).ReadAllComponentsAsync(CancellationToken.None);

        components.Should().ContainSingle();
        Requests("GET").Should().Be(2);
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(900), "the second try waited for Retry-After");
    }

    [Fact]
    public async Task Retry_after_beyond_the_budget_fails_within_the_budget()
    {
        _cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "3600").WithBody("""{"errors":[]}"""));
        var clock = Stopwatch.StartNew();

        // 2 s an attempt: long enough that a busy machine never times out the 429 itself, which would be retried.
        var act = () => Client(TimeSpan.FromSeconds(2), maxRetries: 1).ReadAllComponentsAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<CachetException>()).Which.Message.Should().StartWith("GET /components page 1:");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "an hour's Retry-After cannot hold the cycle");
        Requests("GET").Should().Be(1);
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failures_then_recovers_when_cachet_is_back()
    {
        var clock = new FakeClock(DateTimeOffset.Parse("2026-11-26T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(CachetStub.ServerError));
        var client = Client(TimeSpan.FromSeconds(2), maxRetries: 0, breakAfter: 3, breakFor: TimeSpan.FromMinutes(5), time: clock);

        for (var cycle = 0; cycle < 3; cycle++)
        {
            (await ((Func<Task>)(() => client.ReadAllComponentsAsync(CancellationToken.None))).Should().ThrowAsync<CachetException>())
                .Which.Message.Should().Contain("HTTP 503");
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var broken = () => client.ReadAllComponentsAsync(CancellationToken.None);
        (await broken.Should().ThrowAsync<CachetException>()).Which.Message.Should().Contain("circuit open");
        Requests("GET").Should().Be(3, "an open circuit sends nothing");

        _cachet.Server.ResetMappings();
        _cachet.WithComponent(1, "web-1", 1).ServeComponents();
        clock.Advance(TimeSpan.FromMinutes(5));

        (await client.ReadAllComponentsAsync(CancellationToken.None)).Should().ContainSingle();
        Requests("GET").Should().Be(4);
    }

    public void Dispose()
    {
        // The clients' handlers (and their pooled connections) live in the providers.
        _providers.Dispose();
        _cachet.Dispose();
    }
}
