namespace CachetSync.Cachet;

/// <summary>
/// Reads each Cachet answer whole, within the attempt: placed inside the resilience pipeline, so the per-attempt
/// timeout covers the body too (a Cachet that sends headers and then trickles a byte a second is cut off and
/// retried like a silent one), and capped in size, so a runaway page cannot take the process's memory.
/// </summary>
public sealed class BoundedAnswerHandler(long maxBytes) : DelegatingHandler
{
    /// <summary>Far above a real page (a component is ~400 bytes: a page of 1000 is ~0.4 MiB), far below a container's memory.</summary>
    public const long DefaultMaxBytes = 16 * 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new CachetAnswerTooLargeException(maxBytes);
            }

            await response.Content.LoadIntoBufferAsync(maxBytes, cancellationToken);
            return response;
        }
        catch (HttpRequestException ex) when (ex.InnerException is null && ex.Message.Contains("buffer", StringComparison.OrdinalIgnoreCase))
        {
            response.Dispose();
            throw new CachetAnswerTooLargeException(maxBytes);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
