using CachetSync.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CachetSync.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "cachetsync";

    /// <summary>
    /// The instruments always (a listener such as dotnet-counters may read them); OpenTelemetry only when something
    /// exports: the Prometheus listener (worker mode), OTLP (the <c>OTEL_EXPORTER_OTLP_*</c> variables).
    /// </summary>
    public static IServiceCollection AddTelemetry(
        this IServiceCollection services, CachetSyncSettings settings, OtlpVariables otlp, bool worker, string version, bool witness = false)
    {
        services.AddSingleton<CycleTelemetry>();
        foreach (var value in otlp.HeaderValues)
        {
            Output.Redaction.Register(value);
        }

        // A witness exports its metrics too; its health is answered on its own port (WitnessServer), not from cycles.
        var listen = worker || witness ? settings.Telemetry.PrometheusListen : null;
        if (listen is not null && worker)
        {
            services.AddSingleton(provider => new WorkerHealth(settings.Schedule, provider.GetRequiredService<TimeProvider>()));
            services.AddHostedService(provider => new HealthEndpoint(
                listen, provider.GetRequiredService<WorkerHealth>(), provider.GetRequiredService<ILogger<HealthEndpoint>>()));
        }

        if (listen is null && !otlp.ExportsAnything)
        {
            return services;
        }

        // Each exporter's HttpClient goes through the observer. Set on the exporter itself: OpenTelemetry does not apply
        // options configured in DI to an http/protobuf exporter's HttpClientFactory.
        var observer = new OtlpExportObserver();
        if (otlp.ExportsAnything)
        {
            services.AddSingleton(observer);
        }

        var openTelemetry = services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            if (!otlp.Values.ContainsKey("OTEL_SERVICE_NAME"))
            {
                resource.AddService(ServiceName, serviceVersion: version);
            }

            // K pods of a sharded job push the same instruments: the shard tells their series apart.
            if (settings.Shard is { IsAll: false } shard)
            {
                resource.AddAttributes([new("cachetsync.shard", shard.ToString())]);
            }
        });
        if (listen is not null || otlp.ExportsMetrics)
        {
            openTelemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(CycleTelemetry.Name);
                // OpenTelemetry keeps 2 000 series per instrument by default and folds the rest into one "overflow"
                // series: per-server instruments need one per server. (Each series costs memory up front.)
                var cardinality = CardinalityLimit(settings);
                metrics.AddView(instrument => instrument.Meter.Name == CycleTelemetry.Name
                    ? new MetricStreamConfiguration { CardinalityLimit = cardinality }
                    : null);
                if (listen is not null)
                {
                    metrics.AddPrometheusHttpListener(options =>
                    {
                        // The exporter makes its prefix a Uri from Host and Port, and a Uri cannot say "every address"
                        // (HttpListener's "+"): 0.0.0.0 crashed the worker at start. It gets the health endpoint's prefix
                        // rule instead, so the two listeners always share one address.
                        options.ScrapeEndpointPath = HealthEndpoint.MetricsPath;
                        options.ConfigureHttpListener = (_, listener) =>
                        {
                            listener.Prefixes.Clear();
                            listener.Prefixes.Add(listen.Prefix(HealthEndpoint.MetricsPath + "/"));
                        };
                    });
                }

                if (otlp.ExportsMetrics)
                {
                    metrics.AddOtlpExporter((exporter, _) => exporter.HttpClientFactory = () => observer.Client(exporter.TimeoutMilliseconds));
                }
            });
        }

        if (otlp.ExportsTraces)
        {
            openTelemetry.WithTracing(tracing => tracing.AddSource(CycleTelemetry.Name)
                .AddOtlpExporter(exporter => exporter.HttpClientFactory = () => observer.Client(exporter.TimeoutMilliseconds)));
        }

        return services;
    }

    /// <summary>A series per server and a margin; component groups expand at run time, so they get room for 10 000.</summary>
    public static int CardinalityLimit(CachetSyncSettings settings) =>
        Math.Max(2_000, settings.Servers.Count + (settings.Templates is { Count: > 0 } ? 10_000 : 0) + 100);
}
