using CachetSync.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Probing;

public static class ProbingServiceCollectionExtensions
{
    /// <summary>Registers the probers on one shared, pooled HTTP handler. Probe requests carry no token and no cookies.</summary>
    public static IServiceCollection AddProbing(this IServiceCollection services, ProbeSettings settings)
    {
        services.AddSingleton(settings);
        AddProbeClient(services, HttpProber.ClientName, settings, verifyTls: true);
        AddProbeClient(services, HttpProber.InsecureClientName, settings, verifyTls: false);
        services.AddSingleton(new SetupGate());
        services.AddSingleton<HttpProber>();
        services.AddSingleton<TcpProber>();
        services.AddSingleton<IcmpProber>();
        services.AddSingleton<ServerProber>();
        return services;
    }

    private static void AddProbeClient(IServiceCollection services, string name, ProbeSettings settings, bool verifyTls) =>
        services
            .AddHttpClient(name, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.Clear();
                client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", settings.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(services => ProbeHandler.Create(settings, verifyTls, services.GetRequiredService<SetupGate>()))
            // One log line per probe request would drown the summary at thousands of servers.
            .RemoveAllLoggers();
}
