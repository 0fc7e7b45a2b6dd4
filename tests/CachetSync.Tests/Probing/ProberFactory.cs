using CachetSync.Configuration;
using CachetSync.Probing;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Tests.Probing;

/// <summary>Builds the real probers the way the program registers them, with a short timeout for tests.</summary>
internal static class ProberFactory
{
    public static ProbeSettings Settings(TimeSpan? timeout = null, bool followRedirects = true, int maxConcurrency = 256) =>
        new(timeout ?? TimeSpan.FromSeconds(1), maxConcurrency, followRedirects, VerifyTls: true, "CachetSync-Test/1.0", ProbeRequest.Default);

    public static ServiceProvider Services(ProbeSettings settings) =>
        new ServiceCollection().AddSingleton(TimeProvider.System).AddProbing(settings).BuildServiceProvider();
}
