namespace CachetSync.Cachet;

/// <summary>
/// Cachet answered more than <see cref="BoundedAnswerHandler"/> reads. Not an <see cref="HttpRequestException"/> on
/// purpose: the resilience pipeline retries those, and the same request would only bring the same answer.
/// </summary>
public sealed class CachetAnswerTooLargeException(long maxBytes)
    : IOException($"Cachet answered more than {maxBytes / (1024 * 1024)} MiB; lower Cachet.PageSize if a page of components is that large")
{
}
