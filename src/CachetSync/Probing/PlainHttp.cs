using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>
/// The common probe — plain http, headers only — asked without HttpClient: connect, write one request, read to the
/// end of the answer's headers, close. HttpClient's pool, connection object, two 4 KiB buffers, request and response
/// messages and header collections are most of what such a probe allocates; here it is one pooled buffer (at 10 000
/// servers, peak memory 171 → 110 MiB in the benchmark). Its connect is its own, so its <see cref="ProbeTrace"/>
/// marks are exact. Anything more — https, a body to read, a header value that is not ASCII — goes through
/// HttpClient as before, and so do a redirect's next hops; the answers read the same either way (the same kinds,
/// the same details).
/// </summary>
internal static class PlainHttp
{
    /// <summary>HttpClient's default limit on a response's headers.</summary>
    private const int MaxHeaderBytes = 64 * 1024;

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Whether the probe is one this path asks: plain http, headers only, every header it sends plain ASCII.</summary>
    public static bool Serves(Uri url, ProbeRequest request, string userAgent) =>
        url.Scheme == Uri.UriSchemeHttp && request.BodyBytesToRead == 0 && request.Expect is null && request.Throughput is null
        && Ascii.IsValid(userAgent) && (request.Host is null || Ascii.IsValid(request.Host))
        && (request.Authorization is null || Ascii.IsValid(request.Authorization.Reveal()))
        && (request.Headers.Count == 0 || request.Headers.Values.All(value => Ascii.IsValid(value.Reveal())));

    /// <returns>The answer's status code and its Location header, if any.</returns>
    /// <exception cref="HttpRequestException">The answer ended early, was not HTTP, or its headers were too large: as HttpClient says it.</exception>
    /// <param name="lookups">Where a name is looked up if the prober has not (it has: see <see cref="ProbeTrace.AddressesOf"/>).</param>
    public static async Task<(int Code, string? Location)> AskAsync(
        Uri url, ProbeRequest request, string userAgent, ProbeTrace trace, LookupThreads lookups, CancellationToken cancellationToken)
    {
        // Connected as the handler connects a probe: the same addresses, socket options and trace marks.
        await using var connection = await ProbeHandler.ConnectTcpAsync(new DnsEndPoint(url.IdnHost, url.Port), trace, lookups, cancellationToken);
        await WriteHeadAsync(connection, url, request, userAgent, cancellationToken);
        var late = trace.ConnectedAfter >= HttpProber.SynRetransmission ? (connection as NetworkStream)?.Socket : null;
        using var watching = late is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = late is null ? Task.CompletedTask : WatchRequestTakenAsync(late, trace, watching!.Token);
        try
        {
            var answer = await ReadHeadersAsync(connection, cancellationToken);
            trace.HeadersReceived();
            return answer;
        }
        finally
        {
            watching?.Cancel();
            await watch;
        }
    }

    /// <summary>How often a late connection's request is looked at until the server's kernel takes it.</summary>
    private static readonly TimeSpan RequestWatch = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// After a late connect, whether the server's kernel took the request at once; if not, when it did
    /// (<see cref="ProbeTrace.RequestTaken"/>): until then the server had no request to answer, and its timeout
    /// starts there. Measured in the benchmark: a request taken 3.5 s after its connect left a 2-second server 1.5 s,
    /// and it was written Major Outage. Looked at every <see cref="RequestWatch"/>, as the kernel tells no one when a
    /// segment is acknowledged; only connects that waited out a SYN retransmission are watched.
    /// </summary>
    private static async Task WatchRequestTakenAsync(Socket socket, ProbeTrace trace, CancellationToken stop)
    {
        if (TcpInfo.HasUnacknowledgedData(socket) is not true)
        {
            return;
        }

        trace.RequestWaits();
        try
        {
            while (true)
            {
                await Task.Delay(RequestWatch, stop);
                switch (TcpInfo.HasUnacknowledgedData(socket))
                {
                    case false:
                        trace.RequestTaken();
                        return;
                    case null:
                        return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The answer came, or the probe ended: nothing more to watch.
        }
    }

    /// <summary>
    /// Sends the <see cref="RequestHead"/>, written straight into a pooled buffer and given back as soon as it is sent
    /// (at once, on a fresh connection): thousands of probes share a few buffers instead of each building a string and its bytes.
    /// </summary>
    private static async Task WriteHeadAsync(Stream connection, Uri url, ProbeRequest request, string userAgent, CancellationToken cancellationToken)
    {
        for (var size = 1024; ; size *= 2)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                if (RequestHead.Write(buffer, url, request, userAgent) is var length and > 0)
                {
                    await connection.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Reads past any 1xx interim answer to the final one's headers, in a pooled buffer that grows as they need. It
    /// starts at 1 KiB, which holds a usual answer's headers: it is held while the server thinks, by thousands of
    /// probes at once, more than the pool keeps, so each one the pool lacks is a new array.
    /// </summary>
    /// <returns>Its status code and Location header.</returns>
    private static async Task<(int Code, string? Location)> ReadHeadersAsync(Stream connection, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            var filled = 0;
            while (true)
            {
                var end = buffer.AsSpan(0, filled).IndexOf(HeaderEnd);
                if (end >= 0)
                {
                    var head = buffer.AsSpan(0, end + 2);
                    var code = StatusCode(head);
                    var location = ValidHeaderLines(head);
                    if (code >= 200)
                    {
                        return (code, location);
                    }

                    // An interim answer (100 Continue, 103 Early Hints): the final one follows it.
                    var rest = filled - (end + HeaderEnd.Length);
                    buffer.AsSpan(end + HeaderEnd.Length, rest).CopyTo(buffer);
                    filled = rest;
                    continue;
                }

                if (filled >= 5 && !buffer.AsSpan(0, 5).SequenceEqual("HTTP/"u8))
                {
                    throw Invalid();
                }

                if (filled >= MaxHeaderBytes)
                {
                    throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, "the response's headers exceed 64 KiB");
                }

                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await connection.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    throw new HttpRequestException(HttpRequestError.ResponseEnded, "the connection closed before the response's headers ended");
                }

                filled += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The code of a status line "HTTP/1.x NNN …" at the start of <paramref name="head"/>.</summary>
    private static int StatusCode(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)head[7]) || head[8] != ' '
            || !char.IsAsciiDigit((char)head[9]) || !char.IsAsciiDigit((char)head[10]) || !char.IsAsciiDigit((char)head[11])
            || (head.Length > 12 && head[12] is not ((byte)' ' or (byte)'\r')))
        {
            throw Invalid();
        }

        var code = ((head[9] - '0') * 100) + ((head[10] - '0') * 10) + (head[11] - '0');
        return code >= 100 ? code : throw Invalid();
    }

    /// <summary>
    /// Holds each line after the status line to what HttpClient takes — a token, a colon, a value, or a folded value —
    /// and gives the Location header's value, if any.
    /// </summary>
    private static string? ValidHeaderLines(ReadOnlySpan<byte> head)
    {
        string? location = null;
        var first = true;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            // HttpClient takes a folded line (one that starts with a space) as the last value's, and spaces before a colon.
            if (first || line.IsEmpty || line[0] is (byte)' ' or (byte)'\t')
            {
                first = false;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].TrimEnd(" \t"u8) is var name && (name.IsEmpty || name.IndexOfAnyExcept(TokenCharacters) >= 0))
            {
                throw Invalid();
            }

            if (location is null && Ascii.EqualsIgnoreCase(name, "Location"u8))
            {
                location = Encoding.ASCII.GetString(line[(colon + 1)..]).Trim();
            }
        }

        return location;
    }

    /// <summary>RFC 9110's tchar: what a header name is made of.</summary>
    private static readonly SearchValues<byte> TokenCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static HttpRequestException Invalid() => new(HttpRequestError.InvalidResponse, "the response is not HTTP/1.x");
}
