using System.Collections;

namespace CachetSync.Telemetry;

/// <summary>
/// The standard OpenTelemetry variables (<c>OTEL_*</c>) of the process: an endpoint turns OTLP export on, per signal
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> both, <c>…_METRICS_ENDPOINT</c> / <c>…_TRACES_ENDPOINT</c> one), unless
/// <c>OTEL_METRICS_EXPORTER</c> / <c>OTEL_TRACES_EXPORTER</c> says <c>none</c>. Everything else (protocol, headers,
/// timeout, service name, resource attributes) the OpenTelemetry SDK reads itself from these same values.
/// </summary>
public sealed record OtlpVariables(IReadOnlyDictionary<string, string> Values)
{
    public const string Prefix = "OTEL_";

    public static OtlpVariables None { get; } = new(new Dictionary<string, string>());

    public static OtlpVariables FromProcess()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(Prefix, StringComparison.Ordinal) && entry.Value is string value)
            {
                values[key] = value;
            }
        }

        return new OtlpVariables(values);
    }

    public bool ExportsMetrics => Exports("METRICS");

    public bool ExportsTraces => Exports("TRACES");

    public bool ExportsAnything => ExportsMetrics || ExportsTraces;

    /// <summary>Header values (<c>key=value,…</c>) are credentials more often than not: never printed.</summary>
    public IEnumerable<string> HeaderValues =>
        Values.Where(entry => entry.Key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal) && entry.Key.EndsWith("HEADERS", StringComparison.Ordinal))
            .SelectMany(entry => entry.Value.Split(','))
            .Select(pair => pair.Split('=', 2) is [_, var value] ? value.Trim() : "")
            .Where(value => value.Length > 0);

    /// <summary>
    /// What the SDK would silently ignore (and so export nowhere): an endpoint that is not an http(s) URL, an unknown
    /// protocol. Named before any network call, like the rest of the configuration.
    /// </summary>
    public IReadOnlyList<Configuration.ConfigProblem> Problems()
    {
        var problems = new List<Configuration.ConfigProblem>();
        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" })
        {
            if (Value(name) is { } endpoint && Configuration.UrlText.Absolute(endpoint, Configuration.UrlText.Web) is null)
            {
                problems.Add(new(name, $"\"{Configuration.UrlText.Masked(endpoint)}\" is not an http:// or https:// URL"));
            }
        }

        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" })
        {
            if (Value(name) is { } protocol && protocol.Trim() is not ("grpc" or "http/protobuf"))
            {
                problems.Add(new(name, $"\"{protocol}\" is not a protocol this exporter speaks (grpc or http/protobuf)"));
            }
        }

        return problems;
    }

    private bool Exports(string signal) =>
        !string.Equals(Value($"OTEL_{signal}_EXPORTER"), "none", StringComparison.OrdinalIgnoreCase)
        && (Value("OTEL_EXPORTER_OTLP_ENDPOINT") ?? Value($"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT")) is not null;

    private string? Value(string name) => Values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
