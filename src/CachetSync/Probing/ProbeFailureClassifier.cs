using System.Net.Sockets;
using System.Security.Authentication;

namespace CachetSync.Probing;

/// <summary>Sorts the exceptions of a failed probe into the kinds an operator (and the threshold mapper) care about.</summary>
public static class ProbeFailureClassifier
{
    public static (ProbeKind Kind, string Detail) Classify(Exception exception)
    {
        if (exception is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    // The lookup's own error says whether the resolver answered "no such name" (below).
                    return Innermost(http) is SocketException lookup ? FromSocketError(lookup.SocketErrorCode) : (ProbeKind.DnsFailure, "DNS lookup failed");
                case HttpRequestError.SecureConnectionError:
                    return (ProbeKind.TlsFailure, $"TLS failed: {Innermost(http).Message}");
                case HttpRequestError.ResponseEnded:
                    return (ProbeKind.ConnectionReset, "connection closed before a complete response");
                case HttpRequestError.InvalidResponse:
                    return (ProbeKind.ProtocolError, "invalid HTTP response");
                case HttpRequestError.ConfigurationLimitExceeded:
                    return (ProbeKind.ProtocolError, "response exceeded a limit (headers too large?)");
            }
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case OwnRouteRefusedException own:
                    return (ProbeKind.NotProbed, own.Message);
                case SocketException socket:
                    return FromSocketError(socket.SocketErrorCode);
                case AuthenticationException tls:
                    return (ProbeKind.TlsFailure, $"TLS failed: {tls.Message}");
            }
        }

        return exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
            ? (ProbeKind.NetworkError, "connection failed")
            : (ProbeKind.ProtocolError, exception.Message);
    }

    public static (ProbeKind Kind, string Detail) FromSocketError(SocketError error) => error switch
    {
        // EMFILE/ENFILE, ENOBUFS, EADDRNOTAVAIL: this machine ran out of something. The server was never asked,
        // so it is not the server's outage.
        SocketError.TooManyOpenSockets => (ProbeKind.NotProbed, "not probed: this machine has too many open files (EMFILE)"),
        SocketError.NoBufferSpaceAvailable => (ProbeKind.NotProbed, "not probed: this machine has no socket buffer space left (ENOBUFS)"),
        SocketError.AddressNotAvailable => (ProbeKind.NotProbed, "not probed: this machine has no local address or port left (EADDRNOTAVAIL)"),
        // EACCES/EPERM (a prohibit route, a local firewall's drop), EINVAL (a blackhole route): no network sends these
        // back, only this machine's own kernel refuses so, before a packet leaves.
        SocketError.AccessDenied => (ProbeKind.NotProbed, "not probed: this machine's own kernel refused to send (EACCES/EPERM: a prohibit route or a local firewall)"),
        SocketError.InvalidArgument => (ProbeKind.NotProbed, "not probed: this machine's own kernel refused to send (EINVAL: a blackhole route)"),
        SocketError.ConnectionRefused => (ProbeKind.ConnectionRefused, "connection refused"),
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
            => (ProbeKind.ConnectionReset, "connection reset"),
        // EAI_NONAME: the resolver answered that the name does not exist (NXDOMAIN), or no source knows it.
        SocketError.HostNotFound => (ProbeKind.DnsFailure, $"{ProbeResult.NoSuchNamePrefix} (NXDOMAIN)"),
        SocketError.NoData or SocketError.TryAgain => (ProbeKind.DnsFailure, "DNS lookup failed"),
        SocketError.TimedOut => (ProbeKind.Timeout, "connect timed out"),
        _ => (ProbeKind.NetworkError, $"network error: {error}"),
    };

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
