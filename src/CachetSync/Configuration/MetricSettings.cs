namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Metrics</c>: post each server's probe latency (ms) to a Cachet metric — <c>Servers[i].MetricId</c>, or
/// one found or created by <see cref="Name"/> (averaged, never summed). Failed probes post nothing.
/// </summary>
public sealed record MetricSettings(bool Enabled, string Name, string Suffix)
{
    public static readonly string[] Keys = ["Enabled", "Name", "Suffix"];

    public static MetricSettings Disabled { get; } = new(false, "{Server} latency", "ms");

    public static MetricSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        return new MetricSettings(
            node.Bool("Enabled") ?? Disabled.Enabled,
            node.String("Name") ?? Disabled.Name,
            node.String("Suffix") ?? Disabled.Suffix);
    }
}
