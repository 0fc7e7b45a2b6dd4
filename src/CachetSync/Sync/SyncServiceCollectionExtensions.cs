using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Guard;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.State;
using CachetSync.Telemetry;
using CachetSync.Witness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

public static class SyncServiceCollectionExtensions
{
    /// <summary>
    /// The cycle and what only it uses: the state it remembers, the report reader, the latency metrics. After
    /// <c>AddProbing</c>, <c>AddReports</c>, <c>AddCachet</c> and <c>AddTelemetry</c>, whose parts it takes; the report
    /// source and Cachet are optional (Source None; a dry run with no Cachet configured).
    /// </summary>
    public static IServiceCollection AddSync(this IServiceCollection services, CachetSyncSettings settings) => services
        .AddSingleton(provider => new StateStore(settings.State ?? new StateSettings(null), provider.GetRequiredService<ILoggerFactory>()))
        .AddSingleton(provider => new ReportReader(
            provider.GetService<IReportSource>(),
            settings.Reports,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ReportReader>>(),
            provider.GetRequiredService<CycleTelemetry>()))
        .AddSingleton(provider => LatencyPoints(provider, settings))
        .AddSingleton(provider => new NetworkCanaries(settings.Guard, provider.GetRequiredService<ServerProber>()))
        .AddSingleton(provider => new MassChangeGuard(
            settings.Guard,
            provider.GetRequiredService<ServerProber>(),
            provider.GetRequiredService<ReportReader>(),
            provider.GetRequiredService<StateStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<MassChangeGuard>>()))
        .AddSingleton(provider => new WitnessClient(
            settings.Guard, settings.Probe, provider.GetRequiredService<IHttpClientFactory>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<WitnessClient>>()))
        .AddSingleton(provider => new WitnessCheck(settings.Guard, provider.GetRequiredService<WitnessClient>(), provider.GetRequiredService<ILogger<WitnessCheck>>()))
        .AddSingleton(provider => new SelfComponent(settings.Guard, provider.GetRequiredService<ILogger<SelfComponent>>()))
        .AddSingleton(provider => new Heartbeat(
            settings.Heartbeat, provider.GetRequiredService<IHttpClientFactory>(), provider.GetRequiredService<CycleTelemetry>(), provider.GetRequiredService<ILogger<Heartbeat>>()))
        .AddSingleton<SyncCycle>()
        .AddHeartbeatClient(settings.Heartbeat)
        .AddWitnessClient();

    /// <summary>The witnesses' client: no redirects (a signed question goes where it was sent), no logged URLs or headers.</summary>
    private static IServiceCollection AddWitnessClient(this IServiceCollection services)
    {
        services.AddHttpClient(WitnessClient.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>The heartbeat's own client: its own timeout, no redirects (the URL is the check's key), no logged URL.</summary>
    private static IServiceCollection AddHeartbeatClient(this IServiceCollection services, HeartbeatSettings heartbeat)
    {
        services.AddHttpClient(Heartbeat.ClientName, client => client.Timeout = heartbeat.Timeout + TimeSpan.FromSeconds(1))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>Latency points need Cachet and <c>Metrics.Enabled</c>; otherwise there are none to post.</summary>
    private static ILatencyMetrics LatencyPoints(IServiceProvider provider, CachetSyncSettings settings) =>
        provider.GetService<CachetVersion>() is { } cachet && settings.Metrics is { Enabled: true } metrics
            ? new LatencyMetrics(
                cachet, metrics, provider.GetRequiredService<CachetRateLimit>(), provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<LatencyMetrics>>())
            : NoLatencyMetrics.Instance;
}
