namespace CachetSync.Configuration;

/// <summary>
/// Section <c>Incidents</c>: open a Cachet incident when a component goes from Operational to an outage, and
/// mark it Fixed when the component is Operational again. Templates may use {Server}, {Status}, {Reason}, {Reports}.
/// </summary>
public sealed record IncidentSettings(bool Enabled, string Name, string Message, string FixedMessage, bool Visible, bool Notify)
{
    public static readonly string[] Keys = ["Enabled", "Name", "Message", "FixedMessage", "Visible", "Notify"];

    public static IncidentSettings Disabled { get; } = new(
        false,
        "{Server}: {Status}",
        "CachetSync detected a problem with {Server}: {Reason}. User timeout reports in the window: {Reports}.",
        "{Server} is operational again.",
        Visible: true,
        Notify: false);

    public static IncidentSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        return new IncidentSettings(
            node.Bool("Enabled") ?? Disabled.Enabled,
            node.String("Name") ?? Disabled.Name,
            node.String("Message") ?? Disabled.Message,
            node.String("FixedMessage") ?? Disabled.FixedMessage,
            node.Bool("Visible") ?? Disabled.Visible,
            node.Bool("Notify") ?? Disabled.Notify);
    }
}
