using System.Text.Json;
using CachetSync.Configuration;
using CachetSync.Thresholds;

namespace CachetSync.Cachet;

/// <summary>Prints Cachet's components for <c>--list-components</c>: what an operator needs to write <c>Servers</c>.</summary>
public static class ComponentListing
{
    /// <summary>Reads every component and group and prints them; exit code 0, or 2 when Cachet cannot be read.</summary>
    public static async Task<int> RunAsync(ICachetClient cachet, OutputFormat format, RunEnvironment environment, CancellationToken stopping)
    {
        try
        {
            var components = await cachet.ReadAllComponentsAsync(stopping);
            var groups = await cachet.ReadAllGroupsAsync(stopping);
            if (format == OutputFormat.Json)
            {
                WriteJson(environment.Out, components, groups);
            }
            else
            {
                WriteTable(environment.Out, components, groups);
            }

            return Sync.CycleSummary.ExitApplied;
        }
        catch (CachetException ex)
        {
            await environment.Error.WriteLineAsync($"cachetsync: {Output.TerminalText.Escape(ex.Message)}");
            return Sync.CycleSummary.ExitCachetFailed;
        }
    }

    public static void WriteTable(TextWriter output, IReadOnlyList<CachetComponent> components, IReadOnlyList<CachetGroup> groups)
    {
        var names = groups.ToDictionary(group => group.Id, group => group.Name);
        var rows = components
            .OrderBy(component => component.GroupId ?? 0).ThenBy(component => component.Id)
            .Select(component => new[]
            {
                component.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                component.Name,
                GroupLabel(component.GroupId, names),
                ((ComponentStatus)component.Status).ToString(),
                component.Enabled ? "yes" : "no",
            })
            .Select(row => row.Select(Output.TerminalText.Escape).ToArray())
            .Prepend(["ID", "NAME", "GROUP", "STATUS", "ENABLED"])
            .ToList();
        var widths = Enumerable.Range(0, 5).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column]))));
        }

        output.WriteLine();
        output.WriteLine($"{components.Count} components in {groups.Count} groups.");
    }

    public static void WriteJson(TextWriter output, IReadOnlyList<CachetComponent> components, IReadOnlyList<CachetGroup> groups)
    {
        var names = groups.ToDictionary(group => group.Id, group => group.Name);
        JsonLine.Write(output, json =>
        {
            json.WriteStartArray();
            foreach (var component in components.OrderBy(component => component.Id))
            {
                json.WriteStartObject();
                json.WriteNumber("id", component.Id);
                json.WriteString("name", component.Name);
                // Ungrouped is null on both flavours (2.x says group_id 0, 3.x no relationship).
                if (component.GroupId is int groupId and > 0)
                {
                    json.WriteNumber("groupId", groupId);
                    json.WriteString("group", names.GetValueOrDefault(groupId));
                }
                else
                {
                    json.WriteNull("groupId");
                    json.WriteNull("group");
                }

                json.WriteString("status", ((ComponentStatus)component.Status).ToString());
                json.WriteBoolean("enabled", component.Enabled);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    private static string GroupLabel(int? groupId, Dictionary<int, string> names) =>
        groupId is { } id and > 0 ? names.TryGetValue(id, out var name) ? $"{name} (#{id})" : $"#{id}" : "-";
}
