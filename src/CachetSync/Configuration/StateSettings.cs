namespace CachetSync.Configuration;

/// <summary>
/// Section <c>State</c>: where what CachetSync remembers between cycles (damping counts, last written statuses,
/// manual holds) is kept. Without a path it lives only in memory: enough for a worker, lost between --once runs.
/// </summary>
public sealed record StateSettings(string? Path)
{
    public static readonly string[] Keys = ["Path"];

    public static StateSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        return new StateSettings(node.String("Path"));
    }
}
