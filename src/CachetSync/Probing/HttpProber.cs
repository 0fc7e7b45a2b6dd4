using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>
/// Probes an HTTP(S) server with one request. Only the headers are awaited: the body is never downloaded,
/// so an endless or huge body costs nothing, and latency is time to the response headers.
/// </summary>
public sealed class HttpProber(IHttpClientFactory clients, ProbeSettings settings, TimeProvider time)
{
    public const string ClientName = "probe";

    public async Task<ProbeResult> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var client = clients.CreateClient(ClientName);
        var started = time.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(settings.Method, url);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ProbeResult.Answered((int)response.StatusCode, time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Failed(ProbeKind.Timeout, time.GetElapsedTime(started), $"no answer within {settings.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            var (kind, detail) = ProbeFailureClassifier.Classify(ex);
            return ProbeResult.Failed(kind, time.GetElapsedTime(started), detail);
        }
    }

    /// <summary>The one handler all probes share: pooled connections, no cookies, no proxy surprises.</summary>
    public static SocketsHttpHandler CreateHandler(ProbeSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = settings.Timeout,
            AllowAutoRedirect = settings.FollowRedirects,
            MaxAutomaticRedirections = 10,
            UseCookies = false,
            MaxConnectionsPerServer = int.MaxValue,
            // Unread bodies are drained on dispose so the connection can be reused; cap it so an endless body can't.
            MaxResponseDrainSize = 64 * 1024,
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        };
        if (!settings.VerifyTls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        return handler;
    }
}
