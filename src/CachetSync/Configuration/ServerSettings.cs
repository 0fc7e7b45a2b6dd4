using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>One entry of <c>Servers</c>: what to probe and which Cachet component it drives.</summary>
public sealed record ServerSettings(
    string Name,
    Uri Url,
    int? ComponentId,
    string? Component,
    string ReportKey,
    ThresholdSettings Thresholds,
    bool? VerifyTls = null,
    bool Enabled = true,
    int? MetricId = null,
    ProbeRequest? Probe = null)
{
    public static readonly string[] Keys =
        ["Name", "Url", "ComponentId", "Component", "Group", "ReportKey", "VerifyTls", "Enabled", "MetricId", "Thresholds", "Probe"];

    public bool IsTcp => Url.Scheme == "tcp";

    public bool IsIcmp => Url.Scheme == "icmp";

    /// <returns>The server, or null when it is too broken to probe (the problems are recorded).</returns>
    public static ServerSettings? Read(ConfigNode node, ThresholdSettings defaults, ProbeRequest probeDefaults)
    {
        node.RejectUnknownKeys(Keys.Except(["Group"]).ToArray());
        node.Require("Name");
        var name = node.String("Name");

        var url = ReadUrl(node);
        var componentId = node.Int("ComponentId", 1, int.MaxValue);
        var component = node.String("Component");
        var hasId = node.String("ComponentId") is not null;
        if (!hasId && component is null)
        {
            node.Problem("names no Cachet component: set ComponentId or Component (the component's name)");
        }
        else if (hasId && component is not null)
        {
            node.Problem("sets both ComponentId and Component: keep one, so it is clear which component is meant");
        }

        var thresholds = ThresholdSettingsReader.Read(node.Child("Thresholds"), defaults, mergeStatusCodes: true);
        var probe = ReadProbe(node.Child("Probe"), probeDefaults);
        if (name is null || url is null || (componentId is null && component is null))
        {
            return null;
        }

        return new ServerSettings(
            name, url, componentId, component, node.String("ReportKey") ?? name, thresholds, node.Bool("VerifyTls"), node.Bool("Enabled") ?? true,
            node.Int("MetricId", 1, int.MaxValue), probe);
    }

    /// <returns>This server's own probe request, or null when it has none (the <c>Probe</c> section's applies).</returns>
    public static ProbeRequest? ReadProbe(ConfigNode node, ProbeRequest inherited)
    {
        if (!node.Exists)
        {
            return null;
        }

        node.RejectUnknownKeys(ProbeRequest.Keys);
        return ProbeRequest.Read(node, inherited);
    }

    private static Uri? ReadUrl(ConfigNode node)
    {
        var text = node.String("Url");
        if (text is null)
        {
            node.Problem("Url", "is required");
            return null;
        }

        if (UrlText.Absolute(text, UrlText.Probed) is not { } uri)
        {
            node.Problem("Url", $"\"{UrlText.Masked(text)}\" is not an absolute http(s), tcp or icmp URL");
            return null;
        }

        UrlText.RegisterSecrets(uri);

        if (uri.Scheme == "icmp" && (!uri.IsDefaultPort || uri.PathAndQuery is not ("/" or "")))
        {
            node.Problem("Url", $"\"{text}\" is a host to ping: icmp://host, without a port or path");
            return null;
        }

        if (uri.Scheme == "tcp" && uri.IsDefaultPort)
        {
            node.Problem("Url", $"\"{text}\" needs a port (tcp://host:port)");
            return null;
        }

        return uri;
    }
}
