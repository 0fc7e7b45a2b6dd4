using System.Net;
using System.Text;
using CachetSync.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetSync.Telemetry;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c> on the <c>Telemetry.Prometheus.Listen</c> address: 200 or 503, with the reason
/// as text. It shares the port with the Prometheus exporter's <c>/metrics</c> (HttpListener routes each request to
/// the longest matching prefix), and shares its fate: a port already taken stops the worker before its first cycle.
/// </summary>
public sealed class HealthEndpoint(TelemetrySettings.ListenAddress address, WorkerHealth health, ILogger<HealthEndpoint> logger)
    : IHostedService, IDisposable
{
    public const string MetricsPath = "/metrics";
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    private readonly HttpListener _listener = new();
    private Task _serving = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Prefixes.Add(address.Prefix(LivenessPath + "/"));
        _listener.Prefixes.Add(address.Prefix(ReadinessPath + "/"));
        _listener.Start();

        logger.LogInformation("Serving {Metrics}, {Liveness} and {Readiness} on {Address}", MetricsPath, LivenessPath, ReadinessPath, address);
        _serving = ServeAsync();
        return Task.CompletedTask;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Answer(context);
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath.TrimEnd('/');
        var (ok, reason) = path == ReadinessPath ? health.Readiness() : health.Liveness();
        try
        {
            var body = Encoding.UTF8.GetBytes($"{(ok ? "ok" : "failing")}: {reason}\n");
            context.Response.StatusCode = ok ? 200 : 503;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength64 = body.Length;
            context.Response.OutputStream.Write(body);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The prober hung up before the answer: its problem, not the worker's.
        }

        // A failing liveness probe is news (the pod is about to be restarted); a readiness probe asked every few
        // seconds before the first cycle is not.
        if (!ok)
        {
            logger.Log(path == ReadinessPath ? LogLevel.Debug : LogLevel.Warning, "{Path} answered 503: {Reason}", path, reason);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        health.Stopping();
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }

    public void Dispose() => ((IDisposable)_listener).Dispose();

    /// <summary>
    /// Why the listen address could not be bound (taken, or not this machine's), if that is what stopped the host:
    /// whichever of this endpoint and the exporter tried first — the exporter wraps the error.
    /// </summary>
    public static HttpListenerException? ListenFailure(Exception exception) =>
        exception as HttpListenerException ?? exception.InnerException as HttpListenerException;
}
