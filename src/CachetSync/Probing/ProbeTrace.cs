using System.Net;

namespace CachetSync.Probing;

/// <summary>
/// The moments of one probe request: the lookup, connect and TLS handshake of the probe's own connection (see
/// <see cref="OwnConnection"/>), the answer's headers and body. Travels in the request's options, so a redirect's
/// next hop, connected by the handler, marks its connect here too: after a redirect, the phases are its last hop's.
/// </summary>
public sealed class ProbeTrace(TimeProvider time)
{
    public static readonly HttpRequestOptionsKey<ProbeTrace> Key = new("CachetSync.ProbeTrace");

    private readonly long _started = time.GetTimestamp();
    private long? _resolved;
    private long? _connected;
    private long? _tlsDone;
    private long? _headers;
    private long? _bodyDone;

    /// <summary>The prober's own lookup of the probed host, made before the request (see <see cref="HttpProber"/>).</summary>
    private (string Host, IPAddress[] Addresses)? _lookup;

    /// <summary>The served certificate's end of validity, once a TLS handshake got that far.</summary>
    public DateTimeOffset? CertificateNotAfter { get; private set; }

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public TimeSpan? HeadersAfter => _headers is { } at ? time.GetElapsedTime(_started, at) : null;

    public TimeSpan? ConnectedAfter => _connected is { } at ? time.GetElapsedTime(_started, at) : null;

    public void Resolved() => _resolved = time.GetTimestamp();

    public void Resolved(string host, IPAddress[] addresses)
    {
        Resolved();
        _lookup = (host, addresses);
    }

    /// <summary>The addresses the prober already looked up for <paramref name="host"/>, if it did.</summary>
    public IPAddress[]? AddressesOf(string host) => _lookup is { } lookup && lookup.Host == host ? lookup.Addresses : null;

    /// <summary>A new connection to <paramref name="host"/> starts (a redirect's next hop): the phases start over, the prober's lookup of it aside.</summary>
    public void Connecting(string host)
    {
        (_connected, _tlsDone) = (null, null);
        if (AddressesOf(host) is null)
        {
            _resolved = null;
        }
    }

    public void Connected() => _connected = time.GetTimestamp();

    public void TlsDone(DateTime? certificateNotAfter)
    {
        _tlsDone = time.GetTimestamp();
        CertificateNotAfter = certificateNotAfter is { } notAfter ? new DateTimeOffset(notAfter.ToUniversalTime()) : null;
    }

    public void HeadersReceived() => _headers = time.GetTimestamp();

    public void BodyDone() => _bodyDone = time.GetTimestamp();

    public ProbeTimings Timings()
    {
        var connectFrom = _resolved ?? _started;
        var firstByteFrom = _tlsDone ?? _connected ?? _started;
        return new ProbeTimings(
            Between(_started, _resolved),
            Between(connectFrom, _connected),
            Between(_connected, _tlsDone),
            Between(firstByteFrom, _headers),
            Between(_headers, _bodyDone));
    }

    private TimeSpan? Between(long? from, long? to) =>
        from is { } start && to is { } end ? time.GetElapsedTime(start, end) : null;
}
