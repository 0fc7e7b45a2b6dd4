using CachetSync.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Probing;

public static class ProbingServiceCollectionExtensions
{
    /// <summary>Registers the probers on one shared, pooled HTTP handler. Probe requests carry no token and no cookies.</summary>
    public static IServiceCollection AddProbing(this IServiceCollection services, ProbeSettings settings)
    {
        services.AddSingleton(settings);
        services
            .AddHttpClient(HttpProber.ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.Clear();
                client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", settings.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(() => HttpProber.CreateHandler(settings))
            // One log line per probe request would drown the summary at thousands of servers.
            .RemoveAllLoggers();
        services.AddSingleton<HttpProber>();
        services.AddSingleton<TcpProber>();
        services.AddSingleton<ServerProber>();
        return services;
    }
}
