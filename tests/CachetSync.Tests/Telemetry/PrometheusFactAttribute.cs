namespace CachetSync.Tests.Telemetry;

/// <summary>
/// A test that needs a real Prometheus: it runs when <c>bash .ci/start-prometheus</c> started one (and
/// <c>.ci/prometheus.env</c> is sourced), and is reported skipped, with the reason, when not.
/// </summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public const string AddressVariable = "TEST_CACHETSYNC_PROMETHEUS";
    public const string TargetsVariable = "TEST_CACHETSYNC_PROMETHEUS_TARGETS";

    public PrometheusFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AddressVariable)) || string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TargetsVariable)))
        {
            Skip = $"{AddressVariable} is not set: no Prometheus to scrape with (bash .ci/start-prometheus starts one)";
        }
    }
}
