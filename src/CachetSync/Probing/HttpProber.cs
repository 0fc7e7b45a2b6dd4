using System.Net.Sockets;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>
/// Probes an HTTP(S) server with one request, as the server's <see cref="ProbeRequest"/> says: by default only the
/// headers are awaited (the body is never downloaded, so an endless or huge body costs nothing) and latency is time
/// to the response headers. A body is read only as far as <c>Expect</c> or <c>Throughput</c> need, and dropped as read.
/// </summary>
public sealed class HttpProber(IHttpClientFactory clients, ProbeSettings settings, TimeProvider time, SetupGate gate)
{
    public const string ClientName = "probe";

    /// <summary>The client for servers with <c>VerifyTls: false</c> (self-signed certificates).</summary>
    public const string InsecureClientName = "probe-without-tls-verification";

    /// <summary>
    /// A connect that took this long waited out a SYN retransmission (the kernel's first comes after 1 s, and no round
    /// trip on Earth takes that long): a listen queue overflowed, perhaps one this machine's own burst filled.
    /// </summary>
    public static readonly TimeSpan SynRetransmission = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A timer counts a coarse millisecond clock and may fire a few milliseconds before a Stopwatch says the time is
    /// up: added where a whole timeout is promised, it keeps that timeout whole as the probe's own latency measures it.
    /// </summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(20);

    public Task<ProbeResult> ProbeAsync(Uri url, bool verifyTls, CancellationToken cancellationToken) =>
        ProbeAsync(url, verifyTls, settings.Request, cancellationToken);

    /// <param name="turnWithin">
    /// How long it may wait for its turn at the lookup and handshake (<see cref="SetupGate"/>): by default half the
    /// timeout. The wait is neither latency nor timeout; one that gets no turn in time is not judged.
    /// </param>
    /// <param name="timeout">Shorter than <c>Probe.Timeout</c> for a second look (see <see cref="SecondLook"/>).</param>
    /// <param name="endWithin">
    /// When given, a server whose connect waited out a SYN retransmission gets a whole timeout from its connection, as
    /// long as the probe ends within this: the second the connect lost was no time the server had to answer.
    /// </param>
    public async Task<ProbeResult> ProbeAsync(
        Uri url, bool verifyTls, ProbeRequest request, CancellationToken cancellationToken, TimeSpan? turnWithin = null, TimeSpan? timeout = null,
        TimeSpan? endWithin = null)
    {
        var called = time.GetTimestamp();
        var giveUpAfter = timeout ?? settings.Timeout;
        var within = turnWithin ?? settings.Timeout / 2;
        var needsTurn = SetupGate.Needs(url);
        using var turn = needsTurn ? await gate.TakeAsync(url, within, cancellationToken) : null;
        if (needsTurn && turn is null)
        {
            return ProbeResult.NotJudged(TimeSpan.Zero, within > TimeSpan.Zero
                ? $"no turn within {within.TotalSeconds:0.#} s at this machine's {gate.TurnsFor(url)} at a time ({SetupGate.BusyWith(url)})"
                : $"its turn at this machine's {gate.TurnsFor(url)} at a time came too late in the cycle ({SetupGate.BusyWith(url)})");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(giveUpAfter);
        var client = clients.CreateClient(verifyTls ? ClientName : InsecureClientName);
        var trace = new ProbeTrace(time)
        {
            Turn = turn,
            WhenConnected = endWithin is { } longest
                ? after => FromTheConnection(deadline, after, giveUpAfter, longest - time.GetElapsedTime(called))
                : null,
        };
        var reading = new ReadingState();
        try
        {
            if (url.HostNameType == UriHostNameType.Dns)
            {
                // Looked up here, not in the handler: the handler may keep a request waiting for another's connection,
                // and the lookup turn must not wait with it.
                trace.Resolved(url.IdnHost, await gate.Lookups.ResolveAsync(url.IdnHost, deadline.Token));
            }

            if (url.Scheme != Uri.UriSchemeHttps)
            {
                turn?.Release();
            }

            var result = PlainHttp.Serves(url, request, settings.UserAgent)
                ? await AskPlainAsync(client, url, request, trace, reading, deadline.Token)
                : await AskAsync(client, url, request, trace, reading, deadline.Token);
            if (request.Throughput is { Path: { } path } throughput && result.StatusCode is >= 200 and < 300)
            {
                result = await MeasureTestObjectAsync(client, new Uri(url, path), request, throughput, reading, result, deadline.Token);
            }

            return WithTrace(result, trace);
        }
        // The probe's own lookup; a redirect's next host, looked up in the handler, times out as the probe as before.
        catch (LookupAbandonedException lookup) when (!cancellationToken.IsCancellationRequested && lookup.Host == url.IdnHost)
        {
            return ProbeResult.ResolverSilent(url.IdnHost, trace.Elapsed, giveUpAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var stalled = reading.Stalled(giveUpAfter);
            if (trace.RequestWaiting && trace.ConnectedAfter is { } waited)
            {
                stalled = $"the server had not taken the request in {(trace.Elapsed - waited).TotalSeconds:0.#} s after a connect that took "
                    + $"{waited.TotalMilliseconds:0} ms (its listen queue full)";
            }
            else if (trace.RequestTakenAfter is { } taken && trace.ConnectedAfter is { } late && trace.HeadersAfter is null)
            {
                stalled = $"no answer in {(trace.Elapsed - taken).TotalSeconds:0.#} s after the server took the request in, "
                    + $"{(taken - late).TotalMilliseconds:0} ms after a connect that took {late.TotalMilliseconds:0} ms (its listen queue full)";
            }
            else if (trace.ConnectedAfter is { } connected && connected >= SynRetransmission && trace.HeadersAfter is null)
            {
                stalled = $"no answer in {(trace.Elapsed - connected).TotalSeconds:0.#} s after a connect that took {connected.TotalMilliseconds:0} ms (a SYN retransmission)";
            }

            var timedOut = ProbeResult.Failed(ProbeKind.Timeout, trace.HeadersAfter ?? trace.Elapsed, stalled) with
            {
                ConnectedAfter = trace.ServerConnectedAfter,
            };
            return WithTrace(timedOut, trace);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            var (kind, detail) = ProbeFailureClassifier.Classify(ex);
            return WithTrace(ProbeResult.Failed(kind, trace.Elapsed, reading.Prefix + detail), trace);
        }
        catch (SocketException ex)
        {
            // The prober's own lookup.
            var (kind, detail) = ProbeFailureClassifier.FromSocketError(ex.SocketErrorCode);
            return WithTrace(ProbeResult.Failed(kind, trace.Elapsed, detail), trace);
        }
    }

    /// <summary>
    /// After a late connect (<see cref="SynRetransmission"/>), the deadline moves to a whole timeout from now, never
    /// sooner than it was and never past what is <paramref name="left"/> of the probe's bound.
    /// </summary>
    private static void FromTheConnection(CancellationTokenSource deadline, TimeSpan connectedAfter, TimeSpan timeout, TimeSpan left)
    {
        if (connectedAfter < SynRetransmission)
        {
            return;
        }

        var whole = timeout + TimerSlack;
        var wanted = whole < left ? whole : left;
        var asBefore = timeout - connectedAfter;
        try
        {
            deadline.CancelAfter(wanted > asBefore ? wanted : asBefore);
        }
        catch (ObjectDisposedException)
        {
            // The connection outlived the probe that asked for it (the pool may hand it to another request); nothing waits on this deadline.
        }
    }

    /// <summary>The probe's own request without HttpClient (<see cref="PlainHttp"/>); a redirect's next hops go through it.</summary>
    private async Task<ProbeResult> AskPlainAsync(
        HttpClient client, Uri url, ProbeRequest request, ProbeTrace trace, ReadingState reading, CancellationToken cancellationToken)
    {
        var (code, location) = await PlainHttp.AskAsync(url, request, settings.UserAgent, trace, gate.Lookups, cancellationToken);
        reading.HeadersAfter = trace.HeadersAfter;
        if (!settings.FollowRedirects || !RedirectFollower.IsRedirect(code) || location is null || !Uri.TryCreate(url, location, out var next))
        {
            return ProbeResult.Answered(code, trace.HeadersAfter!.Value);
        }

        return RedirectFollower.NotFollowed(url, next, 0) is { } stopped
            ? new ProbeResult(ProbeKind.Ok, code, trace.HeadersAfter!.Value, $"HTTP {code}: {stopped}")
            : await AskAsync(client, url, request, trace, reading, cancellationToken, continueAt: next);
    }

    /// <summary>The probe's own request: the status code, and as much of the body as the conditions and throughput need.</summary>
    /// <param name="continueAt">Where a redirect of <paramref name="url"/>, already answered, leads.</param>
    private async Task<ProbeResult> AskAsync(
        HttpClient client, Uri url, ProbeRequest request, ProbeTrace trace, ReadingState reading, CancellationToken cancellationToken, Uri? continueAt = null)
    {
        HttpRequestMessage Message(Uri next, bool credentials) => NewMessage(request.Method, next, request, credentials, trace);
        using var exchange = continueAt is null
            ? await RedirectFollower.SendAsync(client, url, settings.FollowRedirects, Message, cancellationToken)
            : await RedirectFollower.ContinueAsync(client, url, continueAt, Message, cancellationToken);
        var response = exchange.Response;
        trace.HeadersReceived();
        var latency = trace.HeadersAfter!.Value;
        reading.HeadersAfter = latency;
        var code = (int)response.StatusCode;
        var result = exchange.Stopped is { } stopped
            ? new ProbeResult(ProbeKind.Ok, code, latency, $"HTTP {code}: {stopped}")
            : ProbeResult.Answered(code, latency);
        if (request.BodyBytesToRead == 0)
        {
            return result;
        }

        var body = await ReadBodyAsync(response, request.BodyBytesToKeep, request.BodyBytesToRead, reading, cancellationToken);
        trace.BodyDone();
        reading.Body = null;
        return result with
        {
            Unmet = request.Expect is { } expect ? ExpectCheck.Evaluate(expect, body.Kept, body.Ended) : null,
            Throughput = request.Throughput is { Path: null } own ? new BodyRate(body.Bytes, body.BytesPerSecond(), own.MinRate) : null,
        };
    }

    /// <summary>
    /// Downloads the server's test object after its own request answered, within what is left of the same timeout.
    /// An answer other than 2xx is what the server answered (its code is mapped like any other).
    /// </summary>
    private async Task<ProbeResult> MeasureTestObjectAsync(
        HttpClient client, Uri url, ProbeRequest request, ThroughputSettings throughput, ReadingState reading, ProbeResult answered,
        CancellationToken cancellationToken)
    {
        reading.Prefix = $"{url.AbsolutePath}: ";
        var testTrace = new ProbeTrace(time);
        using var exchange = await RedirectFollower.SendAsync(
            client, url, settings.FollowRedirects, (next, credentials) => NewMessage(HttpMethod.Get, next, request, credentials, testTrace), cancellationToken);
        var response = exchange.Response;
        var code = (int)response.StatusCode;
        if (code is < 200 or >= 300)
        {
            return answered with { StatusCode = code, Detail = $"HTTP {code} for {url.AbsolutePath}" };
        }

        var body = await ReadBodyAsync(response, keep: 0, throughput.Bytes, reading, cancellationToken);
        return answered with { Throughput = new BodyRate(body.Bytes, body.BytesPerSecond(), throughput.MinRate) };
    }

    /// <summary>Reads up to <paramref name="limit"/> body bytes; <paramref name="reading"/> knows how far it got if it stalls.</summary>
    private async Task<BodyMeter> ReadBodyAsync(
        HttpResponseMessage response, int keep, long limit, ReadingState reading, CancellationToken cancellationToken)
    {
        var body = reading.Body = new BodyMeter(time, keep);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.ReadAsync(stream, limit, cancellationToken);
        return body;
    }

    /// <param name="credentials">Headers, Auth and Host go along: the URL is on the origin they were configured for.</param>
    private static HttpRequestMessage NewMessage(HttpMethod method, Uri url, ProbeRequest request, bool credentials, ProbeTrace trace)
    {
        var message = new HttpRequestMessage(method, url);
        // A fresh connection each probe: it proves the server still accepts connections (a dead listener can keep
        // old keep-alive connections answering), none sits idle in the pool with its 8 KiB of buffers until the
        // process ends, and the handler's callbacks can tell which probe a connection belongs to.
        message.Headers.ConnectionClose = true;
        message.Options.Set(ProbeTrace.Key, trace);
        if (!credentials)
        {
            return message;
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value.Reveal());
        }

        if (request.Authorization is { } authorization)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization.Reveal());
        }

        if (request.Host is { } host)
        {
            message.Headers.Host = host;
        }

        return message;
    }

    /// <summary>
    /// Adds what the handler saw (the certificate), the timings when asked for, and how long a connect took if it waited
    /// out a SYN retransmission; no copy when none of these.
    /// </summary>
    private ProbeResult WithTrace(ProbeResult result, ProbeTrace trace) =>
        trace.CertificateNotAfter is null && !settings.Timings && !(result.ConnectedAfter is null && trace.ConnectedAfter >= SynRetransmission)
            ? result
            : result with
            {
                CertificateExpiresIn = trace.CertificateNotAfter - time.GetUtcNow(),
                Timings = settings.Timings ? trace.Timings() : null,
                ConnectedAfter = result.ConnectedAfter ?? trace.ConnectedAfter,
            };

    /// <summary>How far a probe got, for the detail of one that timed out or broke off.</summary>
    private sealed class ReadingState
    {
        public TimeSpan? HeadersAfter { get; set; }

        /// <summary>The body being read now, if any.</summary>
        public BodyMeter? Body { get; set; }

        /// <summary>Names the test object once the probe moved on to it.</summary>
        public string Prefix { get; set; } = "";

        public string Stalled(TimeSpan timeout) => (Body, HeadersAfter) switch
        {
            ({ } body, { } headers) when Prefix.Length == 0 =>
                $"headers after {headers.TotalMilliseconds:0} ms, then the body stalled after {ByteSizeText.Format(body.Bytes)}",
            ({ } body, _) => $"{Prefix}the body stalled after {ByteSizeText.Format(body.Bytes)}",
            (null, { } headers) when Prefix.Length > 0 => $"{Prefix}no answer within {timeout.TotalSeconds:0.###} s",
            _ => $"no answer within {timeout.TotalSeconds:0.###} s",
        };
    }
}
