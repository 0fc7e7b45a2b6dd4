using System.Globalization;

namespace CachetSync.Cachet;

/// <summary>
/// What Cachet last said of its rate limit (<c>X-RateLimit-Remaining</c>; a running Cachet 3 allows 60 a minute and
/// counts writes apart from reads). A cycle spends the budget on status writes first, then incidents, and posts
/// latency points only with what is left: points are the courtesy, and a 429 must never cost a status.
/// </summary>
public sealed class CachetRateLimit(TimeProvider time)
{
    /// <summary>Cachet's window: what it said longer ago than this no longer holds (a worker's next cycle starts afresh).</summary>
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private int _writesRemaining = int.MaxValue;
    private long _observedAt;

    /// <summary>Writes left in Cachet's current window; unlimited until Cachet says otherwise, and once its window is over.</summary>
    public int WritesRemaining =>
        time.GetElapsedTime(Volatile.Read(ref _observedAt)) > Window ? int.MaxValue : Volatile.Read(ref _writesRemaining);

    public void Observe(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
        {
            return;
        }

        if (response.Headers.TryGetValues("X-RateLimit-Remaining", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
        {
            Record(remaining);
        }
        else if ((int)response.StatusCode == 429)
        {
            Record(0);
        }
    }

    private void Record(int remaining)
    {
        Volatile.Write(ref _writesRemaining, remaining);
        Volatile.Write(ref _observedAt, time.GetTimestamp());
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
