using System.Net;

namespace CachetSync.Probing;

/// <summary>
/// Follows a probe's redirects itself, rather than leaving them to the handler: the handler keeps every custom header
/// on a redirect to another host, and a probe's headers may carry an API key. Here credentials — <c>Headers</c>,
/// <c>Auth</c>, the <c>Host</c> override — go only to the origin they were configured for.
/// </summary>
public static class RedirectFollower
{
    public const int MaxRedirects = 10;

    /// <summary>The answer a probe ends on, and the request it answers (both disposed together).</summary>
    /// <param name="Stopped">Why a redirect was not followed, when the answer is one.</param>
    public sealed record Exchange(HttpRequestMessage Request, HttpResponseMessage Response, string? Stopped) : IDisposable
    {
        public void Dispose()
        {
            Response.Dispose();
            Request.Dispose();
        }
    }

    /// <param name="newMessage">Makes the request for a URL; the flag says whether it may carry the credentials.</param>
    public static Task<Exchange> SendAsync(
        HttpClient client, Uri url, bool follow, Func<Uri, bool, HttpRequestMessage> newMessage, CancellationToken cancellationToken) =>
        FollowAsync(client, url, url, 0, follow, newMessage, cancellationToken);

    /// <summary>Goes on from a redirect of <paramref name="origin"/> answered elsewhere (<see cref="PlainHttp"/>) to <paramref name="next"/>.</summary>
    public static Task<Exchange> ContinueAsync(
        HttpClient client, Uri origin, Uri next, Func<Uri, bool, HttpRequestMessage> newMessage, CancellationToken cancellationToken) =>
        FollowAsync(client, origin, next, 1, follow: true, newMessage, cancellationToken);

    /// <summary>Why the redirect from <paramref name="current"/> to <paramref name="next"/> is not followed; null when it is.</summary>
    public static string? NotFollowed(Uri current, Uri next, int redirects) =>
        redirects == MaxRedirects ? $"gave up after {MaxRedirects} redirects (a loop?)"
        : next.Scheme is not ("http" or "https") ? $"not followed to {next.Scheme}:"
        : current.Scheme == "https" && next.Scheme == "http" ? "not followed from https to http"
        : null;

    public static bool IsRedirect(int code) => code is 300 or 301 or 302 or 303 or 307 or 308;

    private static async Task<Exchange> FollowAsync(
        HttpClient client, Uri origin, Uri start, int redirectsBefore, bool follow, Func<Uri, bool, HttpRequestMessage> newMessage,
        CancellationToken cancellationToken)
    {
        var current = start;
        for (var redirects = redirectsBefore; ; redirects++)
        {
            var request = newMessage(current, SameOrigin(current, origin));
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch
            {
                request.Dispose();
                throw;
            }

            if (!follow || !IsRedirect((int)response.StatusCode) || response.Headers.Location is not { } location)
            {
                return new Exchange(request, response, null);
            }

            var next = new Uri(current, location);
            if (NotFollowed(current, next, redirects) is { } stopped)
            {
                return new Exchange(request, response, stopped);
            }

            response.Dispose();
            request.Dispose();
            current = next;
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}
