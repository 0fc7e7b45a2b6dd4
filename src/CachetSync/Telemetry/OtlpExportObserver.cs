using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Telemetry;

/// <summary>
/// Says when the OTLP collector refuses or cannot be reached: the OpenTelemetry SDK reports that only through its
/// EventSource, which a native build does not have, so without this a wrong endpoint would fail in silence. One
/// warning when exports start failing, one line when they work again — a worker exporting every minute to a
/// collector that is down does not fill its log.
/// </summary>
public sealed class OtlpExportObserver
{
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private int _failing;

    /// <summary>
    /// The exporters are configured before the host (and its logging) exists, and built after: the host hands the
    /// logger over as soon as it is built.
    /// </summary>
    public void Attach(ILogger<OtlpExportObserver> logger) => _logger = logger;

    /// <summary>The HttpClient an exporter sends with, observed; the exporter's own timeout (OTEL_EXPORTER_OTLP_TIMEOUT).</summary>
    public HttpClient Client(int timeoutMilliseconds) =>
        new(new Handler(this) { InnerHandler = new SocketsHttpHandler() }) { Timeout = TimeSpan.FromMilliseconds(timeoutMilliseconds) };

    /// <summary>Watches one exporter's requests; the state (failing or not) is the observer's, shared by all.</summary>
    public sealed class Handler(OtlpExportObserver observer) : DelegatingHandler
    {
        // The http/protobuf exporter sends synchronously (from its own export thread), gRPC asynchronously; the
        // synchronous send's task is complete when returned, so waiting on it blocks nothing.
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            ObserveAsync(request, () => Task.FromResult(base.Send(request, cancellationToken))).GetAwaiter().GetResult();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            ObserveAsync(request, () => base.SendAsync(request, cancellationToken));

        private async Task<HttpResponseMessage> ObserveAsync(HttpRequestMessage request, Func<Task<HttpResponseMessage>> send)
        {
            var endpoint = Endpoint(request);
            try
            {
                return Answered(endpoint, await send());
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                observer.Failed(endpoint, Why(ex));
                throw;
            }
        }

        private HttpResponseMessage Answered(string endpoint, HttpResponseMessage response)
        {
            if (response.IsSuccessStatusCode)
            {
                observer.Recovered(endpoint);
            }
            else
            {
                observer.Failed(endpoint, $"answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return response;
        }

        private static string Endpoint(HttpRequestMessage request) => UrlText.Masked(request.RequestUri?.ToString() ?? "");

        private static string Why(Exception ex) =>
            ex is OperationCanceledException ? "did not answer in time (OTEL_EXPORTER_OTLP_TIMEOUT)" : $"cannot be reached ({ex.Message})";
    }

    private void Failed(string endpoint, string why)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            _logger.LogWarning("OTLP export to {Endpoint} failed: the collector {Why}; telemetry is being lost", endpoint, why);
        }
    }

    private void Recovered(string endpoint)
    {
        if (Interlocked.Exchange(ref _failing, 0) == 1)
        {
            _logger.LogInformation("OTLP export to {Endpoint} works again", endpoint);
        }
    }
}
