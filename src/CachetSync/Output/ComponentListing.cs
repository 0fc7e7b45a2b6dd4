using System.Globalization;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Thresholds;

namespace CachetSync.Output;

/// <summary>
/// <c>--list-components</c>: every Cachet component (what an operator needs to write <c>Servers</c>), as a table
/// grouped by component group or as a JSON array.
/// </summary>
public static class ComponentListing
{
    private static readonly string[] Headers = ["ID", "NAME", "GROUP", "STATUS", "ENABLED"];

    /// <summary>Reads every component and group and prints them; exit code 0, or 2 when Cachet cannot be read.</summary>
    public static async Task<int> RunAsync(CachetVersion cachet, OutputFormat format, RunEnvironment environment, CancellationToken stopping)
    {
        try
        {
            var (client, components) = await cachet.ReadComponentsAsync(stopping);
            var groups = await client.ReadAllGroupsAsync(stopping);
            Action<TextWriter, IReadOnlyList<CachetComponent>, IReadOnlyList<CachetGroup>> write = format == OutputFormat.Json ? WriteJson : WriteTable;
            write(environment.Out, components, groups);
            return Sync.CycleSummary.ExitApplied;
        }
        catch (CachetException ex)
        {
            await environment.Error.WriteLineAsync($"cachetsync: {TerminalText.Escape(ex.Message)}");
            return Sync.CycleSummary.ExitCachetFailed;
        }
    }

    public static void WriteTable(TextWriter output, IReadOnlyList<CachetComponent> components, IReadOnlyList<CachetGroup> groups)
    {
        var names = groups.ToDictionary(group => group.Id, group => group.Name);
        TextTable.Write(output, Headers, components
            .OrderBy(component => component.GroupId ?? 0).ThenBy(component => component.Id)
            .Select(component => (IReadOnlyList<string>)
            [
                component.Id.ToString(CultureInfo.InvariantCulture),
                component.Name,
                GroupLabel(component, names),
                ((ComponentStatus)component.Status).ToString(),
                component.Enabled ? "yes" : "no",
            ]));
        output.WriteLine();
        output.WriteLine($"{components.Count} components in {groups.Count} groups.");
    }

    public static void WriteJson(TextWriter output, IReadOnlyList<CachetComponent> components, IReadOnlyList<CachetGroup> groups)
    {
        var names = groups.ToDictionary(group => group.Id, group => group.Name);
        OutputJson.WriteLine(output, components.OrderBy(component => component.Id)
            .Select(component => (Component: component, Group: GroupOf(component)))
            .Select(each => new ComponentDocument(
                each.Component.Id, each.Component.Name, each.Group, each.Group is { } id ? names.GetValueOrDefault(id) : null,
                ((ComponentStatus)each.Component.Status).ToString(), each.Component.Enabled))
            .ToList());
    }

    private static string GroupLabel(CachetComponent component, Dictionary<int, string> names) =>
        GroupOf(component) is { } id ? names.TryGetValue(id, out var name) ? $"{name} (#{id})" : $"#{id}" : "-";

    /// <summary>The component's group, or null for none: 2.x says group_id 0, 3.x has no relationship.</summary>
    private static int? GroupOf(CachetComponent component) => component.GroupId is > 0 ? component.GroupId : null;
}
