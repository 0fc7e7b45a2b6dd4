using CachetSync.Configuration;

namespace CachetSync.Sync;

/// <summary>Where a cycle hands its answered probes' latencies: Cachet metrics (<see cref="LatencyMetrics"/>), or nowhere.</summary>
public interface ILatencyMetrics
{
    Task PostAsync(IReadOnlyList<ServerSettings> servers, IReadOnlyList<ServerOutcome> outcomes, CancellationToken cancellationToken);
}

/// <summary>Metrics off (<c>Metrics.Enabled: false</c>, or no Cachet): a cycle posts nothing, and need not ask.</summary>
public sealed class NoLatencyMetrics : ILatencyMetrics
{
    public static NoLatencyMetrics Instance { get; } = new();

    public Task PostAsync(IReadOnlyList<ServerSettings> servers, IReadOnlyList<ServerOutcome> outcomes, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
