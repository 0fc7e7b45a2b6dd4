using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CachetSync.Telemetry;

/// <summary>
/// Every Cachet call as a client span and a duration measurement, named after OpenTelemetry's HTTP client conventions
/// (<c>http.request.method</c>, <c>url.template</c>, <c>http.response.status_code</c>, <c>error.type</c>), plus the
/// retries and the circuit breaker's state of the resilience pipeline. The handler sits outside that pipeline, so one
/// call is one measurement however many attempts it took, and a call the open breaker refused still counts.
/// </summary>
public sealed class CachetCallTelemetry : IDisposable
{
    private readonly Meter _meter = new(CycleTelemetry.Name);
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;
    private readonly Lock _gate = new();
    private readonly List<(KeyValuePair<string, object?>[] Tags, CircuitBreakerStateProvider State)> _breakers = [];

    public CachetCallTelemetry()
    {
        _duration = _meter.CreateHistogram<double>("cachetsync.cachet.request.duration", "s",
            "Cachet API calls by route and outcome, each with all its attempts.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _retries = _meter.CreateCounter<long>("cachetsync.cachet.retries", "{retry}", "Cachet calls repeated after a failed attempt.");
        _meter.CreateObservableGauge("cachetsync.cachet.circuit.open", Breakers, "{circuit}",
            "1 while the circuit breaker in front of Cachet is open or half-open (calls refused or on trial), else 0.");
    }

    /// <summary>A breaker to report, by the API it guards (v1 for Cachet 2.x, v3) and the Cachet it stands in front of.</summary>
    public CircuitBreakerStateProvider Breaker(string api, Uri address)
    {
        var state = new CircuitBreakerStateProvider();
        lock (_gate)
        {
            _breakers.Add(([new("cachet.api", api), new("server.address", address.Host), new("server.port", address.Port)], state));
        }

        return state;
    }

    public void RecordRetry(HttpRequestMessage? request) =>
        _retries.Add(1,
            new KeyValuePair<string, object?>("url.template", request?.RequestUri is { } uri ? Template(uri) : "unknown"),
            new KeyValuePair<string, object?>("server.address", request?.RequestUri?.Host),
            new KeyValuePair<string, object?>("server.port", request?.RequestUri?.Port));

    /// <summary>
    /// The route without the ids in it (<c>/api/v1/components/{id}</c>): one series per kind of call, not per component.
    /// </summary>
    public static string Template(Uri uri)
    {
        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var template = new StringBuilder(path.Length);
        foreach (var segment in path.Split('/'))
        {
            if (template.Length > 0 || segment.Length > 0)
            {
                template.Append('/');
            }

            template.Append(segment.Length > 0 && segment.All(char.IsAsciiDigit) ? "{id}" : segment);
        }

        return template.Length == 0 ? "/" : template.ToString();
    }

    /// <summary>What went wrong, in the few words a dashboard groups by.</summary>
    public static string ErrorType(Exception exception) => exception switch
    {
        BrokenCircuitException => "circuit_open",
        TimeoutRejectedException => "timeout",
        HttpRequestException { InnerException: SocketException socket } => socket.SocketErrorCode.ToString(),
        HttpRequestException http => http.HttpRequestError.ToString(),
        OperationCanceledException => "canceled",
        _ => exception.GetType().Name,
    };

    private IEnumerable<Measurement<int>> Breakers()
    {
        lock (_gate)
        {
            var measurements = new List<Measurement<int>>(_breakers.Count);
            foreach (var breaker in _breakers.ToList())
            {
                try
                {
                    measurements.Add(new Measurement<int>(breaker.State.CircuitState is CircuitState.Closed ? 0 : 1, breaker.Tags));
                }
                catch (ObjectDisposedException)
                {
                    // Its pipeline went with its host (a worker stopping while a scrape reads the gauge): nothing to say.
                    _breakers.Remove(breaker);
                }
            }

            return measurements;
        }
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>The handler that measures each call; added before the resilience handler so it wraps all attempts.</summary>
    public sealed class Handler(CachetCallTelemetry telemetry) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            telemetry._duration.Enabled || CycleTelemetry.Tracing.HasListeners()
                ? MeasuredAsync(request, cancellationToken)
                // Nothing listens (no OpenTelemetry export configured): a first cycle's thousands of writes pay for no route template, tags or span.
                : base.SendAsync(request, cancellationToken);

        private async Task<HttpResponseMessage> MeasuredAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var method = request.Method.Method;
            var template = request.RequestUri is { } uri ? Template(uri) : "/";
            using var activity = CycleTelemetry.Tracing.StartActivity($"{method} {template}", ActivityKind.Client);
            activity?.SetTag("http.request.method", method);
            activity?.SetTag("url.template", template);
            var started = Stopwatch.GetTimestamp();
            var tags = new TagList
            {
                { "http.request.method", method },
                { "url.template", template },
                { "server.address", request.RequestUri?.Host },
                { "server.port", request.RequestUri?.Port },
            };
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                var status = (int)response.StatusCode;
                tags.Add("http.response.status_code", status);
                activity?.SetTag("http.response.status_code", status);
                if (status >= 400)
                {
                    tags.Add("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    activity?.SetStatus(ActivityStatusCode.Error);
                }

                return response;
            }
            catch (Exception ex)
            {
                var error = ErrorType(ex);
                tags.Add("error.type", error);
                activity?.SetTag("error.type", error);
                activity?.SetStatus(ActivityStatusCode.Error);
                throw;
            }
            finally
            {
                telemetry._duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }
    }
}
