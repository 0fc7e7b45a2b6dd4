namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Damping</c>: how many cycles in a row a new status must be seen before it is written. A real change
/// notifies Cachet's subscribers, so a server flapping between two statuses would spam them.
/// </summary>
public sealed record DampingSettings(int ToWorse, int ToBetter)
{
    public static readonly string[] Keys = ["ConsecutiveCycles", "ToWorse", "ToBetter"];

    public static DampingSettings Immediate { get; } = new(1, 1);

    public static DampingSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var both = node.Int("ConsecutiveCycles", 1, 1000) ?? 1;
        return new DampingSettings(node.Int("ToWorse", 1, 1000) ?? both, node.Int("ToBetter", 1, 1000) ?? both);
    }
}
