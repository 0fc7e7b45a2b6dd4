using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>
/// The HTTP handler under probe requests. A probe brings its own connection, made with <see cref="OpenAsync"/> before
/// its request (see <see cref="OwnConnection"/>); the connect callback hands it over, and connects the same way only
/// for a request without one (a redirect's next hop, a throughput test object). Connecting — and for HTTPS shaking
/// hands — here marks each moment on the probe's <see cref="ProbeTrace"/>, with the served certificate's expiry. The
/// handler takes a connection that is already TLS as it is.
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

    /// <summary>The handler all probes of one kind share: no cookies, no proxy surprises, a connection per probe.</summary>
    /// <param name="gate">Whose <see cref="SetupGate.Lookups"/> resolve the names.</param>
    public static SocketsHttpHandler Create(ProbeSettings settings, bool verifyTls, SetupGate gate) => new()
    {
        ConnectTimeout = settings.Timeout,
        // RedirectFollower follows them, keeping credentials to their origin.
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = int.MaxValue,
        // Unread bodies are drained on dispose so the connection can be reused; cap it so an endless body can't.
        MaxResponseDrainSize = 64 * 1024,
        ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context, verifyTls, gate.Lookups, cancellationToken),
    };

    /// <summary>The probe's own connection (<see cref="OwnConnection"/>) when it has one for this address; else one made here, as for a redirect's next hop.</summary>
    private static async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context, bool verifyTls, LookupThreads lookups, CancellationToken cancellationToken)
    {
        var request = context.InitialRequestMessage;
        if (request.Options.TryGetValue(OwnConnection.Key, out var own) && own.TakeFor(context.DnsEndPoint) is { } stream)
        {
            return stream;
        }

        var trace = request.Options.TryGetValue(ProbeTrace.Key, out var found) ? found : null;
        trace?.Connecting(context.DnsEndPoint.Host);
        var https = request.RequestUri?.Scheme == Uri.UriSchemeHttps;
        return await OpenAsync(context.DnsEndPoint, https ? ServerName(request.Headers.Host, request.RequestUri!) : null, verifyTls, trace, lookups, cancellationToken);
    }

    /// <summary>What the handler would do (resolve, try each address, TLS when there is a server name), with each moment marked.</summary>
    /// <param name="serverName">The name the certificate must be for; null for plain HTTP.</param>
    public static async Task<Stream> OpenAsync(
        DnsEndPoint endpoint, string? serverName, bool verifyTls, ProbeTrace? trace, LookupThreads lookups, CancellationToken cancellationToken)
    {
        var stream = await ConnectTcpAsync(endpoint, trace, lookups, cancellationToken);
        if (serverName is null)
        {
            return stream;
        }

        var secure = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
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
            return secure;
        }
        catch
        {
            await secure.DisposeAsync();
            throw;
        }
    }

    /// <remarks>The probed host was looked up by the prober already (<see cref="ProbeTrace.AddressesOf"/>); a redirect's next host is looked up here.</remarks>
    private static async Task<Stream> ConnectTcpAsync(DnsEndPoint endpoint, ProbeTrace? trace, LookupThreads lookups, CancellationToken cancellationToken)
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
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>As the handler does: the Host header, when set, names the server the certificate is for.</summary>
    public static string ServerName(string? hostHeader, Uri url)
    {
        var host = hostHeader is not null && Uri.TryCreate($"http://{hostHeader}/", UriKind.Absolute, out var parsed)
            ? parsed.IdnHost
            : url.IdnHost;
        // An IP literal is no server name (SNI carries names only); brackets are never part of one.
        return host.Trim('[', ']');
    }
}
