using System.Globalization;
using System.Net;

namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Telemetry</c>: <c>Prometheus.Listen</c> (<c>host:port</c>, off by default) serves the worker's
/// metrics at <c>/metrics</c> and its health at <c>/healthz</c> and <c>/readyz</c>. OTLP export needs no section:
/// the standard <c>OTEL_EXPORTER_OTLP_*</c> variables turn it on (see <see cref="Telemetry.OtlpVariables"/>).
/// </summary>
public sealed record TelemetrySettings(TelemetrySettings.ListenAddress? PrometheusListen)
{
    public static readonly string[] Keys = ["Prometheus"];

    public static readonly string[] PrometheusKeys = ["Listen"];

    public static readonly TelemetrySettings Off = new((ListenAddress?)null);

    /// <summary>Where to listen. <see cref="Host"/> is <c>+</c> for every address (<c>0.0.0.0</c>, <c>*</c>, <c>[::]</c>).</summary>
    public sealed record ListenAddress(string Host, int Port)
    {
        /// <summary>The HttpListener prefix for a path, e.g. <c>http://+:9464/healthz/</c>.</summary>
        public string Prefix(string path = "/") => $"http://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}{path}";

        public override string ToString() => $"{(Host == "+" ? "0.0.0.0" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";
    }

    public static TelemetrySettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var prometheus = node.Child("Prometheus");
        prometheus.RejectUnknownKeys(PrometheusKeys);
        return new TelemetrySettings(prometheus.Read<ListenAddress>("Listen", ParseListen));
    }

    public static (ListenAddress?, string?) ParseListen(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return (null, $"\"{text}\" is not host:port with a port from 1 to 65535 (e.g. 0.0.0.0:9464)");
        }

        var host = text[..colon].Trim('[', ']');
        if (host is "*" or "+" or "0.0.0.0" or "::")
        {
            return (new ListenAddress("+", port), null);
        }

        // A name would be looked up (and bound) at start, and scrapes naming the pod by IP would not match it.
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out _)
            ? (new ListenAddress(host.Contains(':') ? $"[{host}]" : host, port), null)
            : (null, $"\"{host}\" is not an IP address: use one (e.g. 127.0.0.1), or 0.0.0.0 for every address");
    }
}
