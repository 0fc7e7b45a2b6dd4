using CachetSync.Configuration;

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
                Output.ComponentListingOutput.WriteJson(environment.Out, components, groups);
            }
            else
            {
                Output.ComponentListingOutput.WriteTable(environment.Out, components, groups);
            }

            return Sync.CycleSummary.ExitApplied;
        }
        catch (CachetException ex)
        {
            await environment.Error.WriteLineAsync($"cachetsync: {Output.TerminalText.Escape(ex.Message)}");
            return Sync.CycleSummary.ExitCachetFailed;
        }
    }
}
