using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>
/// The HTTP handler under probe requests. It connects — and for HTTPS shakes hands — itself, in its connect callback:
/// the only place that knows which probe a connection belongs to, so each probe's <see cref="ProbeTrace"/> gets its
/// DNS, connect and TLS moments and the served certificate's expiry. The handler takes a connection that is already
/// TLS as it is.
/// </summary>
public static class ProbeHandler
{
    /// <summary>
    /// For servers with <c>VerifyTls: false</c>. Any chain is accepted, yet the chain is still built to report its
    /// errors; against the system store that was half of a handshake's CPU here (2.0 → 1.1 ms per TLS probe in the
    /// benchmark). An empty custom root store makes it fail fast, and the answer is ignored anyway.
    /// </summary>
    private static readonly X509ChainPolicy AnyChain = new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        DisableCertificateDownloads = true,
        RevocationMode = X509RevocationMode.NoCheck,
    };

    /// <summary>
    /// The handler all probes of one kind share: no cookies, a connection per probe, and never a proxy — every probe
    /// (plain-http headers, bodies, https, tcp) goes to the server itself, whatever HTTP_PROXY says: through a proxy it
    /// would measure the proxy (its 502 for a dead server, its latency). Cachet and the report source honour it.
    /// </summary>
    /// <param name="gate">Whose <see cref="SetupGate.Lookups"/> resolve the names.</param>
    public static SocketsHttpHandler Create(ProbeSettings settings, bool verifyTls, SetupGate gate) => new()
    {
        ConnectTimeout = settings.Timeout,
        UseProxy = false,
        // RedirectFollower follows them, keeping credentials to their origin.
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = int.MaxValue,
        // Unread bodies are drained on dispose so the connection can be reused; cap it so an endless body can't.
        MaxResponseDrainSize = 64 * 1024,
        ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context, verifyTls, gate.Lookups, cancellationToken),
    };

    /// <summary>What the handler would do (resolve, try each address, TLS for https), with each moment marked.</summary>
    private static async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context, bool verifyTls, LookupThreads lookups, CancellationToken cancellationToken)
    {
        var request = context.InitialRequestMessage;
        var trace = request.Options.TryGetValue(ProbeTrace.Key, out var found) ? found : null;
        trace?.Connecting(context.DnsEndPoint.Host);
        var stream = await ConnectTcpAsync(context.DnsEndPoint, trace, lookups, cancellationToken);
        if (request.RequestUri?.Scheme != Uri.UriSchemeHttps)
        {
            return stream;
        }

        var secure = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                // As the handler does: the Host header, when set, names the server the certificate is for.
                TargetHost = ServerName(request),
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = verifyTls ? null : AnyChain,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    trace?.TlsDone((certificate as X509Certificate2)?.NotAfter);
                    return !verifyTls || errors == SslPolicyErrors.None;
                },
            };
            await secure.AuthenticateAsClientAsync(options, cancellationToken);
            trace?.Turn?.Release();
            return secure;
        }
        catch
        {
            await secure.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection of the probe's own to <paramref name="endpoint"/>, its moments marked on <paramref name="trace"/>.</summary>
    /// <remarks>The probed host was looked up by the prober already (<see cref="ProbeTrace.AddressesOf"/>); a redirect's next host is looked up here.</remarks>
    internal static async Task<Stream> ConnectTcpAsync(DnsEndPoint endpoint, ProbeTrace? trace, LookupThreads lookups, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(endpoint.Host, out var literal))
        {
            addresses = [literal];
        }
        else if (trace?.AddressesOf(endpoint.Host) is { } known)
        {
            addresses = known;
        }
        else
        {
            addresses = await lookups.ResolveAsync(endpoint.Host, cancellationToken);
            trace?.Resolved();
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        // Dual mode: one socket reaches IPv4 and IPv6 addresses alike.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken);
            trace?.Connected();
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException ex) when (OwnRoute.Refusal(ex, addresses) is { } own)
        {
            socket.Dispose();
            throw own;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string ServerName(HttpRequestMessage request)
    {
        var host = request.Headers.Host is { } header && Uri.TryCreate($"http://{header}/", UriKind.Absolute, out var parsed)
            ? parsed.IdnHost
            : request.RequestUri!.IdnHost;
        // An IP literal is no server name (SNI carries names only); brackets are never part of one.
        return host.Trim('[', ']');
    }
}
