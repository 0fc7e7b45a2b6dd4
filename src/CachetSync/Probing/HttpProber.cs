using System.Security.Cryptography.X509Certificates;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>
/// Probes an HTTP(S) server with one request. Only the headers are awaited: the body is never downloaded,
/// so an endless or huge body costs nothing, and latency is time to the response headers.
/// </summary>
public sealed class HttpProber(IHttpClientFactory clients, ProbeSettings settings, TimeProvider time)
{
    public const string ClientName = "probe";

    /// <summary>The client for servers with <c>VerifyTls: false</c> (self-signed certificates).</summary>
    public const string InsecureClientName = "probe-without-tls-verification";

    private const int MaxRedirects = 10;

    public async Task<ProbeResult> ProbeAsync(Uri url, bool verifyTls, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var client = clients.CreateClient(verifyTls ? ClientName : InsecureClientName);
        var started = time.GetTimestamp();
        TimeSpan? headersAfter = null;
        try
        {
            using var request = new HttpRequestMessage(settings.Method, url);
            // A fresh connection each probe: it proves the server still accepts connections (a dead listener can
            // keep old keep-alive connections answering), and none sits idle in the pool with its 8 KiB of buffers
            // until the process ends — at 10 000 servers that was most of the memory.
            request.Headers.ConnectionClose = true;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            headersAfter = time.GetElapsedTime(started);
            if (settings.MaxBodyBytes > 0)
            {
                await ReadBodyPrefixAsync(response, timeout.Token);
            }

            var code = (int)response.StatusCode;
            return settings.FollowRedirects && code is >= 300 and < 400 && response.Headers.Location is not null
                ? new ProbeResult(ProbeKind.Ok, code, headersAfter.Value, $"HTTP {code}: gave up after {MaxRedirects} redirects (a loop?)")
                : ProbeResult.Answered(code, headersAfter.Value);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return headersAfter is { } latency
                ? ProbeResult.Failed(ProbeKind.Timeout, latency, $"headers after {latency.TotalMilliseconds:0} ms, then the body stalled")
                : ProbeResult.Failed(ProbeKind.Timeout, time.GetElapsedTime(started), $"no answer within {settings.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            var (kind, detail) = ProbeFailureClassifier.Classify(ex);
            return ProbeResult.Failed(kind, time.GetElapsedTime(started), detail);
        }
    }

    /// <summary>Reads (and drops) at most MaxBodyBytes of the body: enough to see that it flows, never all of it.</summary>
    private async Task ReadBodyPrefixAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(settings.MaxBodyBytes, 16 * 1024)];
        for (var remaining = settings.MaxBodyBytes; remaining > 0;)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining)), cancellationToken);
            if (read == 0)
            {
                return;
            }

            remaining -= read;
        }
    }

    /// <summary>The handler all probes of one kind share: pooled connections, no cookies, no proxy surprises.</summary>
    public static SocketsHttpHandler CreateHandler(ProbeSettings settings, bool verifyTls)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = settings.Timeout,
            AllowAutoRedirect = settings.FollowRedirects,
            MaxAutomaticRedirections = MaxRedirects,
            UseCookies = false,
            MaxConnectionsPerServer = int.MaxValue,
            // Unread bodies are drained on dispose so the connection can be reused; cap it so an endless body can't.
            MaxResponseDrainSize = 64 * 1024,
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        };
        if (!verifyTls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            // The callback accepts any chain, yet the chain is still built to report its errors; against the system
            // store that was half of a handshake's CPU here (2.0 → 1.1 ms per TLS probe in the benchmark). An empty
            // custom root store makes it fail fast, and the answer is ignored anyway.
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                DisableCertificateDownloads = true,
                RevocationMode = X509RevocationMode.NoCheck,
            };
        }

        return handler;
    }
}
