using System.Globalization;
using CachetSync.Configuration;
using CachetSync.Thresholds;

namespace CachetSync.Sync;

/// <summary>Fills incident templates, and marks CachetSync's incidents so they can be found again if the state is lost.</summary>
public static class IncidentText
{
    /// <summary>An HTML comment: invisible on the status page, findable in the incident's message.</summary>
    public static string Marker(int componentId) => $"<!-- cachetsync:component={componentId.ToString(CultureInfo.InvariantCulture)} -->";

    public static string Fill(string template, ServerOutcome outcome) => Placeholders.Fill(
        template,
        ("Server", outcome.Server),
        ("Status", outcome.Desired.Status.Label()),
        ("Reason", outcome.Desired.Reason),
        ("Reports", outcome.Reports?.Count.ToString(CultureInfo.InvariantCulture) ?? "unknown"));

    public static string MarkedMessage(string template, ServerOutcome outcome) =>
        $"{Fill(template, outcome)}\n\n{Marker(outcome.ComponentId!.Value)}";
}
