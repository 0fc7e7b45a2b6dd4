using System.Net;

namespace CachetSync.Probing;

/// <summary>
/// The connection a probe made itself before sending its request, handed to the handler in the request's options.
/// The prober connects, not the handler: the handler gives a new connection to whichever request of the same host and
/// port has waited longest, so with many servers behind one address a probe whose own connect was quick could wait
/// for another's connect that lost a SYN, its clock running, and the other's connect time would be marked on the
/// wrong probe. A probe that connected itself waits for nobody; whichever request of the pool sends over this
/// connection, it goes to the same address, as one probe's connection is as good as another's there.
/// </summary>
public sealed class OwnConnection(DnsEndPoint endpoint, Stream stream) : IDisposable
{
    public static readonly HttpRequestOptionsKey<OwnConnection> Key = new("CachetSync.OwnConnection");

    private Stream? _stream = stream;

    /// <summary>The connection, once, if it goes where the handler wants to connect (a redirect to elsewhere gets none).</summary>
    public Stream? TakeFor(DnsEndPoint wanted) =>
        wanted.Port == endpoint.Port && string.Equals(wanted.Host.Trim('[', ']'), endpoint.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
            ? Interlocked.Exchange(ref _stream, null)
            : null;

    /// <summary>Closes the connection if no request took it (another's connection served the probe's request).</summary>
    public void Dispose() => Interlocked.Exchange(ref _stream, null)?.Dispose();
}
