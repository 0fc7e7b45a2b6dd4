using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>One entry of <c>Servers</c>: what to probe and which Cachet component it drives.</summary>
public sealed record ServerSettings
{
    private readonly string? _reportKey;

    public required string Name { get; init; }

    public required Uri Url { get; init; }

    /// <summary>The component by id; or, with <see cref="Component"/>, by its exact name (one of the two is set).</summary>
    public int? ComponentId { get; init; }

    public string? Component { get; init; }

    /// <summary>The key report sources name this server by; its <see cref="Name"/> unless set.</summary>
    public string ReportKey { get => _reportKey ?? Name; init => _reportKey = value; }

    public ThresholdSettings Thresholds { get; init; } = ThresholdSettings.BuiltIn;

    /// <summary>Overrides <c>Probe.VerifyTls</c> for this server; null: the section's.</summary>
    public bool? VerifyTls { get; init; }

    public bool Enabled { get; init; } = true;

    public int? MetricId { get; init; }

    /// <summary>This server's own probe request; null: the <c>Probe</c> section's.</summary>
    public ProbeRequest? Probe { get; init; }

    public static readonly string[] Keys =
        ["Name", "Url", "ComponentId", "Component", "Group", "ReportKey", "VerifyTls", "Enabled", "MetricId", "Thresholds", "Probe"];

    /// <summary>A server in <c>Servers</c> names no <c>Group</c>: that key belongs to a group's server template.</summary>
    private static readonly string[] ListedKeys = Keys.Except(["Group"]).ToArray();

    public bool IsTcp => Url.Scheme == "tcp";

    public bool IsIcmp => Url.Scheme == "icmp";

    public const int MaxNameLength = 255;

    /// <returns>The server, or null when it is too broken to probe (the problems are recorded).</returns>
    public static ServerSettings? Read(ConfigNode node, ThresholdSettings defaults, ProbeRequest probeDefaults)
    {
        node.RejectUnknownKeys(ListedKeys);
        node.Require("Name");
        var name = node.String("Name");
        // A name is a table cell, a log field and a metric label: Cachet's own component names stop at 255.
        if (name is { Length: > MaxNameLength })
        {
            node.Problem("Name", $"is {name.Length} characters long: at most {MaxNameLength}");
            name = null;
        }

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

        return new ServerSettings
        {
            Name = name, Url = url, ComponentId = componentId, Component = component, ReportKey = node.String("ReportKey") ?? name,
            Thresholds = thresholds, VerifyTls = node.Bool("VerifyTls"), Enabled = node.Bool("Enabled") ?? true,
            MetricId = node.Int("MetricId", 1, int.MaxValue), Probe = probe,
        };
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
        node.Require("Url");
        return node.Read<Uri>("Url", ParseUrl);
    }

    /// <summary>A URL to probe: http(s)://, tcp://host:port or icmp://host (servers and the guard's canaries alike).</summary>
    public static (Uri? Url, string? Problem) ParseUrl(string text)
    {
        if (UrlText.Absolute(text, UrlText.Probed) is not { } uri)
        {
            return (null, $"\"{UrlText.Masked(text)}\" is not an absolute http(s), tcp or icmp URL");
        }

        UrlText.RegisterSecrets(uri);
        return uri.Scheme switch
        {
            "icmp" when !uri.IsDefaultPort || uri.PathAndQuery is not ("/" or "") => (null, $"\"{text}\" is a host to ping: icmp://host, without a port or path"),
            "tcp" when uri.IsDefaultPort => (null, $"\"{text}\" needs a port (tcp://host:port)"),
            _ => (uri, null),
        };
    }
}
