using System.Net;
using CachetSync.Cachet;
using Microsoft.Extensions.Time.Testing;

namespace CachetSync.Tests.Cachet;

/// <summary>What Cachet says of its rate limit holds for its window, and only for writes.</summary>
public sealed class CachetRateLimitTests
{
    private static HttpResponseMessage Answer(HttpStatusCode status, string? remaining)
    {
        var response = new HttpResponseMessage(status);
        if (remaining is not null)
        {
            response.Headers.Add("X-RateLimit-Remaining", remaining);
        }

        return response;
    }

    [Fact]
    public void Writes_left_are_read_from_write_answers_and_forgotten_after_the_window()
    {
        var clock = new FakeTimeProvider();
        var limit = new CachetRateLimit(clock);
        using var put = new HttpRequestMessage(HttpMethod.Put, "http://cachet.test/api/components/1");
        using var get = new HttpRequestMessage(HttpMethod.Get, "http://cachet.test/api/components");

        limit.WritesRemaining.Should().Be(int.MaxValue, "nothing said yet");
        limit.Observe(get, Answer(HttpStatusCode.OK, "3"));
        limit.WritesRemaining.Should().Be(int.MaxValue, "reads are counted apart from writes");
        limit.Observe(put, Answer(HttpStatusCode.OK, "3"));
        limit.WritesRemaining.Should().Be(3);
        limit.Observe(put, Answer(HttpStatusCode.TooManyRequests, null));
        limit.WritesRemaining.Should().Be(0, "a 429 without the header still says: spent");

        clock.Advance(TimeSpan.FromSeconds(61));

        limit.WritesRemaining.Should().Be(int.MaxValue, "a worker's next cycle is in a new window");
    }
}
