using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Tests.Probing;

/// <summary>Builds the real probers the way the program registers them, with a short timeout for tests.</summary>
internal static class ProberFactory
{
    /// <summary>For tests of anything but timeouts: a loaded machine must not turn a slow answer into a Timeout.</summary>
    public static readonly TimeSpan Patient = TimeSpan.FromSeconds(10);

    /// <summary>The built-in thresholds without SlowAfter: a loaded machine must not make a fast server "slow".</summary>
    public static ThresholdSettings Thresholds { get; } = ThresholdSettings.BuiltIn with { SlowAfter = null };

    public static ProbeSettings Settings(TimeSpan? timeout = null, bool followRedirects = true, int maxConcurrency = 256) =>
        new()
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(1), MaxConcurrency = maxConcurrency, FollowRedirects = followRedirects, UserAgent = "CachetSync-Test/1.0",
        };

    public static ServiceProvider Services(ProbeSettings settings) =>
        new ServiceCollection().AddSingleton(TimeProvider.System).AddProbing(settings).BuildServiceProvider();
}
