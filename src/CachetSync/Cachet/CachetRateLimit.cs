using System.Globalization;

namespace CachetSync.Cachet;

/// <summary>
/// What Cachet last said of its rate limit (<c>X-RateLimit-Remaining</c>; a running Cachet 3 allows 60 a minute and
/// counts writes apart from reads). A cycle spends the budget on status writes first, then incidents, and posts
/// latency points only with what is left: points are the courtesy, and a 429 must never cost a status.
/// </summary>
public sealed class CachetRateLimit
{
    private int _writesRemaining = int.MaxValue;

    /// <summary>Writes left in Cachet's current window; unlimited until Cachet says otherwise.</summary>
    public int WritesRemaining => Volatile.Read(ref _writesRemaining);

    public void Observe(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
        {
            return;
        }

        if (response.Headers.TryGetValues("X-RateLimit-Remaining", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
        {
            Volatile.Write(ref _writesRemaining, remaining);
        }
        else if ((int)response.StatusCode == 429)
        {
            Volatile.Write(ref _writesRemaining, 0);
        }
    }

    /// <summary>The handler that reads every Cachet answer's headers into a <see cref="CachetRateLimit"/>.</summary>
    public sealed class Observer(CachetRateLimit limit) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            limit.Observe(request, response);
            return response;
        }
    }
}
