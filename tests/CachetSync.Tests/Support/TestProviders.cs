using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Tests.Support;

/// <summary>The service providers a test builds, disposed with the test (their HTTP handlers, timers and pools too).</summary>
public sealed class TestProviders : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    /// <summary>Builds <paramref name="services"/> and hands out the <typeparamref name="T"/> it makes.</summary>
    public T Get<T>(IServiceCollection services)
        where T : notnull
    {
        var provider = services.BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider.GetRequiredService<T>();
    }

    public void Dispose()
    {
        lock (_providers)
        {
            _providers.ForEach(provider => provider.Dispose());
            _providers.Clear();
        }
    }
}
