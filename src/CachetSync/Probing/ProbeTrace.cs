using System.Net;

namespace CachetSync.Probing;

/// <summary>
/// The moments of one probe request, marked by the handler's connect and certificate callbacks (which see the
/// request, not the prober), by <see cref="PlainHttp"/>'s own connect, and by the prober itself. Travels in the
/// request's options; after a redirect, the phases are its last hop's. A connection made in the handler's callback
/// is marked on the request that asked for it, and the handler's pool may hand it to another probe of the same
/// address: under a burst of thousands (the benchmark) some probes used a connection their trace never saw made.
/// PlainHttp's marks are always the probe's own.
/// </summary>
public sealed class ProbeTrace(TimeProvider time)
{
    public static readonly HttpRequestOptionsKey<ProbeTrace> Key = new("CachetSync.ProbeTrace");

    private readonly long _started = time.GetTimestamp();
    private long? _resolved;
    private long? _connected;
    private long? _requestTaken;
    private long? _tlsDone;
    private long? _headers;
    private long? _bodyDone;

    /// <summary>The prober's own lookup of the probed host, made before the request (see <see cref="HttpProber"/>).</summary>
    private (string Host, IPAddress[] Addresses)? _lookup;

    /// <summary>The served certificate's end of validity, once a TLS handshake got that far.</summary>
    public DateTimeOffset? CertificateNotAfter { get; private set; }

    /// <summary>The probe's turn at the lookup and handshake, given back by the handler once they are done.</summary>
    public SetupGate.Turn? Turn { get; init; }

    /// <summary>
    /// Told how long the connection took, as soon as it is made (the prober moves its deadline after a late one), and
    /// again if the server's side of it was made later still (<see cref="RequestTaken"/>).
    /// </summary>
    public Action<TimeSpan>? WhenConnected { get; init; }

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public TimeSpan? HeadersAfter => _headers is { } at ? time.GetElapsedTime(_started, at) : null;

    public TimeSpan? ConnectedAfter => _connected is { } at ? time.GetElapsedTime(_started, at) : null;

    /// <summary>
    /// When the server's kernel took the request in, if that was not at once: after a late connect whose last
    /// handshake packet, and the request with it, met a full listen queue (see <see cref="TcpInfo"/>). Only then is
    /// the connection made on the server's side; the server had no request to answer before it.
    /// </summary>
    public TimeSpan? RequestTakenAfter => _requestTaken is { } at ? time.GetElapsedTime(_started, at) : null;

    /// <summary>Whether the server's kernel had not yet taken the request in when last looked at (see <see cref="RequestTakenAfter"/>).</summary>
    public bool RequestWaiting { get; private set; }

    /// <summary>
    /// When the connection was made on the server's side: when the server took the request in, if that came after
    /// the connect; now, while the request still waits.
    /// </summary>
    public TimeSpan? ServerConnectedAfter => RequestWaiting ? Elapsed : RequestTakenAfter ?? ConnectedAfter;

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

    public void Connected() => MarkConnected(ref _connected);

    /// <summary>
    /// The server's kernel has not taken the request in: its side of the connection is not made yet, so the prober
    /// moves its deadline as after a late connect, to a whole timeout from now.
    /// </summary>
    public void RequestWaits()
    {
        RequestWaiting = true;
        WhenConnected?.Invoke(Elapsed);
    }

    /// <summary>The server's kernel took the request in, late (see <see cref="RequestTakenAfter"/>): the prober moves its deadline as after a late connect.</summary>
    public void RequestTaken()
    {
        RequestWaiting = false;
        MarkConnected(ref _requestTaken);
    }

    /// <summary>Marks now as the moment a side of the connection was made, and tells <see cref="WhenConnected"/>.</summary>
    private void MarkConnected(ref long? moment)
    {
        var at = time.GetTimestamp();
        moment = at;
        WhenConnected?.Invoke(time.GetElapsedTime(_started, at));
    }

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
