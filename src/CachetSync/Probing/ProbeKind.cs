namespace CachetSync.Probing;

/// <summary>What happened when a server was probed.</summary>
public enum ProbeKind
{
    /// <summary>The server answered (HTTP: a response with some status code; TCP: the connect succeeded).</summary>
    Ok,
    Timeout,
    ConnectionRefused,
    DnsFailure,
    TlsFailure,

    /// <summary>The connection was reset or closed before a complete response arrived.</summary>
    ConnectionReset,

    /// <summary>Something answered, but not with valid HTTP.</summary>
    ProtocolError,

    /// <summary>Any other network failure: host or network unreachable, and the like.</summary>
    NetworkError,

    /// <summary>Not finished: CachetSync was told to stop while this probe ran or before it started.</summary>
    Stopped,

    /// <summary>
    /// Not probed at all: the server is configured with <c>Enabled: false</c>, or this machine could not open a socket
    /// for it (too many open files): the server's status is left as it is.
    /// </summary>
    NotProbed,
}
