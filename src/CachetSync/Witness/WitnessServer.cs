using System.Net;
using System.Text.Json;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Thresholds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetSync.Witness;

/// <summary>
/// <c>cachetsync --witness</c>: answers a writer's signed question "how do these servers look from where you are?"
/// by probing, now, the servers of its <b>own</b> configuration that the question names — never an address the
/// question brings, so a witness is no open proxy — with its own probe settings and thresholds. Bounded every way a
/// caller could push: the body's size, the names in it, the questions at once, and the time (one probe timeout and
/// <see cref="Margin"/>). It writes nothing to Cachet. <c>/healthz</c> on the same port answers 200 while it serves;
/// with <c>Telemetry.Prometheus.Listen</c>, <c>/metrics</c> there counts its questions by outcome.
/// </summary>
public sealed class WitnessServer(
    CachetSyncSettings settings, ServerProber prober, Telemetry.CycleTelemetry telemetry, TimeProvider time, ILogger<WitnessServer> logger)
    : IHostedService, IDisposable
{
    public const string ProbePath = "/probe";
    public const string HealthPath = "/healthz";
    public const int MaxBodyBytes = 256 * 1024;
    public const int MaxNames = 10_000;

    /// <summary>Two writers (a primary and a shard, or two regions) may ask at once; a third waits for its next cycle.</summary>
    public const int MaxQuestionsAtOnce = 2;

    /// <summary>Beyond the probe timeout, for the probes' own bound and the answer's way back.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    private readonly HttpListener _listener = new();
    private readonly SemaphoreSlim _questions = new(MaxQuestionsAtOnce);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, ServerSettings> _servers = settings.Servers.ToDictionary(server => server.Name, StringComparer.Ordinal);
    private readonly string _token = settings.Witness.Token!.Reveal();
    private Task _serving = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var listen = settings.Witness.Listen!;
        _listener.Prefixes.Add(listen.Prefix(ProbePath + "/"));
        _listener.Prefixes.Add(listen.Prefix(HealthPath + "/"));
        _listener.Start();
        logger.LogInformation("Witness answering on {Address}{Path} for {Count} servers", listen, ProbePath, _servers.Count);
        _serving = ServeAsync();
        return Task.CompletedTask;
    }

    private async Task ServeAsync()
    {
        var answering = new List<Task>();
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            answering.RemoveAll(task => task.IsCompleted);
            answering.Add(Task.Run(() => AnswerAsync(context)));
        }

        await Task.WhenAll(answering).ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var (status, body, signature) = request.Url?.AbsolutePath.TrimEnd('/') switch
        {
            HealthPath => (200, "ok: answering\n"u8.ToArray(), null),
            ProbePath when request.HttpMethod != "POST" => Refused(405, "questions are POSTed"),
            ProbePath => await QuestionAsync(request).ConfigureAwait(false),
            _ => Refused(404, "not found"),
        };

        try
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = status == 200 && signature is not null ? "application/json" : "text/plain; charset=utf-8";
            if (signature is not null)
            {
                context.Response.Headers[WitnessSignature.Header] = signature;
            }

            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The writer gave up before the answer: its cycle has moved on.
        }
    }

    private async Task<(int Status, byte[] Body, string? Signature)> QuestionAsync(HttpListenerRequest request)
    {
        var remote = request.RemoteEndPoint;
        if (request.ContentLength64 > MaxBodyBytes)
        {
            return Refused(413, $"a question is at most {MaxBodyBytes} bytes", remote);
        }

        var body = await ReadBoundedAsync(request.InputStream).ConfigureAwait(false);
        if (body is null)
        {
            return Refused(413, $"a question is at most {MaxBodyBytes} bytes", remote);
        }

        var header = request.Headers[WitnessSignature.Header];
        if (WitnessSignature.CheckQuestion(_token, header, time.GetUtcNow(), body) is { } unsigned)
        {
            return Refused(401, unsigned, remote);
        }

        WitnessQuestion? question;
        try
        {
            question = JsonSerializer.Deserialize(body, WitnessJsonContext.Default.WitnessQuestion);
        }
        catch (JsonException ex)
        {
            return Refused(400, $"not a question ({{\"servers\":[\"name\", …]}}): {ex.Message}", remote);
        }

        if (question?.Servers is not { Count: > 0 and <= MaxNames } names)
        {
            return Refused(400, $"\"servers\" must list 1 to {MaxNames} server names", remote);
        }

        if (!await _questions.WaitAsync(0).ConfigureAwait(false))
        {
            return Refused(429, $"busy: {MaxQuestionsAtOnce} questions are being answered", remote);
        }

        try
        {
            var answer = await ProbeAsync(names.Distinct(StringComparer.Ordinal).ToList()).ConfigureAwait(false);
            var json = JsonSerializer.SerializeToUtf8Bytes(answer, WitnessJsonContext.Default.WitnessAnswer);
            telemetry.RecordWitnessQuestion("answered");
            return (200, json, WitnessSignature.SignAnswer(_token, header!, json));
        }
        finally
        {
            _questions.Release();
        }
    }

    private async Task<WitnessAnswer> ProbeAsync(IReadOnlyList<string> names)
    {
        var known = names.Where(name => _servers.TryGetValue(name, out var server) && server.Enabled).Select(name => _servers[name]).ToList();
        var unknown = names.Where(name => !_servers.TryGetValue(name, out var server) || !server.Enabled).ToList();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        bound.CancelAfter(settings.Probe.Timeout + Margin);
        var results = await prober.ProbeAllAsync(known, bound.Token).ConfigureAwait(false);
        var probes = known.Zip(results, Seen).ToList();
        logger.LogInformation("Witness: probed {Count} servers for a writer ({Unknown} names unknown)", known.Count, unknown.Count);
        return new WitnessAnswer(Environment.MachineName, probes, unknown);
    }

    private static WitnessProbe Seen(ServerSettings server, ProbeResult result) => new(
        server.Name,
        result.Kind.ToString(),
        result.StatusCode,
        Math.Round(result.Latency.TotalMilliseconds),
        result.Detail,
        result.Kind is ProbeKind.NotProbed or ProbeKind.Stopped ? null : (int)ThresholdMapper.Map(result, null, server.Thresholds).Status);

    /// <returns>The body, or null when it is longer than <see cref="MaxBodyBytes"/> (a chunked body says no length).</returns>
    private static async Task<byte[]?> ReadBoundedAsync(Stream input)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await input.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private (int, byte[], string?) Refused(int status, string why, IPEndPoint? remote = null)
    {
        if (remote is not null)
        {
            logger.LogWarning("Witness: refused a question from {Remote} ({Status}): {Why}", remote, status, why);
            telemetry.RecordWitnessQuestion(status switch { 401 => "unauthorized", 429 => "busy", _ => "refused" });
        }

        return (status, System.Text.Encoding.UTF8.GetBytes(why + "\n"), null);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }

    public void Dispose()
    {
        ((IDisposable)_listener).Dispose();
        _questions.Dispose();
        _stopping.Dispose();
    }
}
