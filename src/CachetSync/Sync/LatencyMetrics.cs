using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Probing;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>
/// Posts each answered probe's latency (ms) as a point of the server's metric. Metrics are found by name once per
/// process, or created averaged: Cachet merges equal points within its threshold, and a summed latency doubles.
/// Failed probes post nothing: a timeout's "latency" is the timeout, and would flatten the chart into a lie.
/// Failures here are logged, never fail the cycle: the statuses are the job, the chart is a courtesy.
/// </summary>
public sealed class LatencyMetrics(
    CachetVersion cachet, MetricSettings settings, CachetRateLimit rateLimit, TimeProvider time, ILogger<LatencyMetrics> logger) : ILatencyMetrics
{
    /// <summary>Writes left unspent for what the next cycle's statuses need before its own points: as many as post at once.</summary>
    private const int Reserve = 4;

    // Finding or creating a metric is serialized: two servers whose names map to one metric must not create it twice.
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private Dictionary<string, CachetMetric>? _byName;
    private readonly Lock _budget = new();
    private int _postsInFlight;

    public async Task PostAsync(IReadOnlyList<ServerSettings> servers, IReadOnlyList<ServerOutcome> outcomes, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Reserve, CancellationToken = cancellationToken };
        var skipped = 0;
        try
        {
            await PostEachAsync(servers, outcomes, timestamp, options, () => Interlocked.Increment(ref skipped));
            if (skipped > 0)
            {
                logger.LogWarning(
                    "Cachet's rate limit is nearly spent ({Remaining} writes left in its window): latency points of {Skipped} servers skipped this cycle; statuses and incidents went first",
                    Math.Max(0, rateLimit.WritesRemaining), skipped);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A stop while posting: the points not yet posted are a courtesy, not worth a crash or a wait.
            logger.LogInformation("Stopped while posting latency points; the rest are skipped");
        }
    }

    private async Task PostEachAsync(
        IReadOnlyList<ServerSettings> servers, IReadOnlyList<ServerOutcome> outcomes, long timestamp, ParallelOptions options, Action skip)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, servers.Count), options, async (i, token) =>
        {
            if (outcomes[i].Probe.Kind != ProbeKind.Ok)
            {
                return;
            }

            if (!HasBudget(reserve: false))
            {
                skip();
                return;
            }

            try
            {
                if (await MetricIdAsync(servers[i], outcomes[i], token) is not { } metricId)
                {
                    return;
                }

                if (!HasBudget(reserve: true))
                {
                    skip();
                    return;
                }

                try
                {
                    await (await cachet.ClientAsync(token)).AddMetricPointAsync(metricId, new NewMetricPoint(Math.Round(outcomes[i].Probe.Latency.TotalMilliseconds, 1), timestamp), token);
                }
                finally
                {
                    Interlocked.Decrement(ref _postsInFlight);
                }
            }
            catch (CachetException ex) when (ex.InnerException is Refit.ApiException { StatusCode: System.Net.HttpStatusCode.TooManyRequests })
            {
                skip(); // counted into the one warning; the limiter now says 0, so no further point is tried
            }
            catch (CachetException ex)
            {
                logger.LogWarning("{Server}: latency not posted: {Error}", servers[i].Name, ex.Message);
            }
        });
    }

    /// <summary>
    /// Whether a write may still go out: the remaining count Cachet last reported, less the points already sent and
    /// not yet answered (their answers will lower it), must stay above the reserve. Checked and taken under one lock:
    /// posts run in parallel, and a check that every worker passes at once would spend the reserve.
    /// </summary>
    private bool HasBudget(bool reserve)
    {
        lock (_budget)
        {
            if (rateLimit.WritesRemaining - (long)Volatile.Read(ref _postsInFlight) <= Reserve)
            {
                return false;
            }

            if (reserve)
            {
                Interlocked.Increment(ref _postsInFlight);
            }

            return true;
        }
    }

    private async Task<int?> MetricIdAsync(ServerSettings server, ServerOutcome outcome, CancellationToken cancellationToken)
    {
        if (server.MetricId is { } configured)
        {
            return configured;
        }

        var name = IncidentText.Fill(settings.Name, outcome);
        CachetMetric metric;
        await _resolving.WaitAsync(cancellationToken);
        try
        {
            var known = _byName ??= (await (await cachet.ClientAsync(cancellationToken)).ReadAllMetricsAsync(cancellationToken))
                .GroupBy(existing => existing.Name, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
            if (!known.TryGetValue(name, out var found))
            {
                found = await (await cachet.ClientAsync(cancellationToken)).CreateMetricAsync(
                    new NewMetric(name, settings.Suffix, $"Probe latency of {server.Name}, by CachetSync", 0, 1, CachetMetric.Average), cancellationToken);
                known[name] = found;
            }

            metric = found;
        }
        finally
        {
            _resolving.Release();
        }

        if (metric.CalcType != CachetMetric.Average)
        {
            logger.LogWarning("{Server}: metric \"{Metric}\" (#{Id}) sums its points; latency needs an average. Not posted: change its calculation to average",
                server.Name, metric.Name, metric.Id);
            return null;
        }

        return metric.Id;
    }
}
