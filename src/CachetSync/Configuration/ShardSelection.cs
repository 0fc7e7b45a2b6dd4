using CachetSync.Sync;

namespace CachetSync.Configuration;

/// <summary>
/// Decides which <see cref="Shard"/> a run is: <c>--shard i/K</c>, else <c>JOB_COMPLETION_INDEX</c> when the
/// configuration says <c>Shards: K</c>, else the whole fleet. A sharded run keeps its own state file:
/// <c>State.Path</c> must name it with <c>{shard}</c>, or K runs would share (and lock each other out of) one file.
/// </summary>
public static class ShardSelection
{
    public const string Placeholder = "{shard}";

    /// <returns>The settings with the shard and its state path filled in, or null and every reason.</returns>
    public static (CachetSyncSettings? Settings, IReadOnlyList<string> Problems) Apply(
        CachetSyncSettings settings, Shard? fromCommandLine, string? jobCompletionIndex)
    {
        var problems = new List<string>();
        var shard = Choose(settings.Shards, fromCommandLine, jobCompletionIndex, problems);
        var path = settings.State?.Path;
        if (shard is { IsAll: false } && path is not null && !Placeholders.Mentions(path, "shard"))
        {
            problems.Add($"State.Path: \"{path}\" is shared by all {shard.Count} shards; put {Placeholder} in it (e.g. /state/cachetsync-{Placeholder}.json) so each keeps its own");
        }

        if (problems.Count > 0 || shard is null)
        {
            return (null, problems);
        }

        var state = path is null ? settings.State : new StateSettings(Placeholders.Fill(path, ("shard", shard.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return (settings with { Shard = shard, State = state }, problems);
    }

    private static Shard? Choose(int configured, Shard? fromCommandLine, string? jobCompletionIndex, List<string> problems)
    {
        if (fromCommandLine is { } given)
        {
            if (configured > 1 && configured != given.Count)
            {
                problems.Add($"--shard {given} splits the fleet {given.Count} ways, but Shards is {configured}: every shard must agree on K");
            }

            return given;
        }

        if (configured == 1)
        {
            return Shard.All;
        }

        if (string.IsNullOrWhiteSpace(jobCompletionIndex))
        {
            problems.Add($"Shards: {configured} needs to know which shard this run is: --shard i/{configured}, or {RunEnvironment.JobCompletionIndexVariable} (set by a Kubernetes Indexed Job)");
            return null;
        }

        if (!Shard.TryParse($"{jobCompletionIndex.Trim()}/{configured}", out var shard))
        {
            problems.Add($"{RunEnvironment.JobCompletionIndexVariable} \"{jobCompletionIndex}\" is not a shard index from 0 to {configured - 1} (Shards: {configured})");
            return null;
        }

        return shard;
    }
}
