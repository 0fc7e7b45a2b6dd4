using System.Buffers;
using System.Globalization;
using System.Text;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>The bytes of a plain-http probe's request: what HttpClient would send for it, with <c>Connection: close</c>.</summary>
internal static class RequestHead
{
    /// <summary>Writes the request line and headers into <paramref name="buffer"/>.</summary>
    /// <returns>The length written, or 0 if it did not fit.</returns>
    /// <remarks>Every piece is ASCII: the URL's path is escaped, its host in IDN form, and <see cref="PlainHttp.Serves"/> holds the rest to it.</remarks>
    public static int Write(Span<byte> buffer, Uri url, ProbeRequest request, string userAgent)
    {
        var head = new Cursor(buffer);
        head.Put(request.Method.Method);
        head.Put(" ");
        head.Put(url.PathAndQuery);
        head.Put(" HTTP/1.1\r\nHost: ");
        if (request.Host is { } host)
        {
            head.Put(host);
        }
        else if (url.HostNameType == UriHostNameType.IPv6)
        {
            // An IPv6 literal in brackets, the port unless it is the default: as HttpClient writes it.
            head.Put("[");
            head.Put(url.IdnHost.AsSpan().Trim("[]"));
            head.Put("]");
        }
        else
        {
            head.Put(url.IdnHost);
        }

        if (request.Host is null && !url.IsDefaultPort)
        {
            head.Put(":");
            head.Put(url.Port);
        }

        head.Put("\r\nUser-Agent: ");
        head.Put(userAgent);
        head.Put("\r\n");
        foreach (var (name, value) in request.Headers)
        {
            head.Put(name);
            head.Put(": ");
            head.Put(value.Reveal());
            head.Put("\r\n");
        }

        if (request.Authorization is { } authorization)
        {
            head.Put("Authorization: ");
            head.Put(authorization.Reveal());
            head.Put("\r\n");
        }

        head.Put("Connection: close\r\n\r\n");
        return head.Fits ? head.Length : 0;
    }

    /// <summary>Appends ASCII text to a byte buffer; once a piece does not fit, the rest are not written.</summary>
    private ref struct Cursor(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public bool Fits { get; private set; } = true;

        public void Put(ReadOnlySpan<char> text)
        {
            if (Fits)
            {
                var status = Ascii.FromUtf16(text, _buffer[Length..], out var written);
                Length += written;
                Fits = status switch
                {
                    OperationStatus.Done => true,
                    OperationStatus.DestinationTooSmall => false,
                    _ => throw new InvalidOperationException("a plain-http probe's request held a character that is not ASCII"),
                };
            }
        }

        public void Put(int number)
        {
            if (Fits)
            {
                Fits = number.TryFormat(_buffer[Length..], out var written, default, CultureInfo.InvariantCulture);
                Length += written;
            }
        }
    }
}
