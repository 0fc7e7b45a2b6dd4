namespace CachetSync.Configuration;

/// <summary>
/// With <c>--once</c> every process runs one cycle and forgets: a setting that counts or remembers across cycles
/// (flap damping beyond one cycle, manual holds) can only work with a writable state file. Without one, damping
/// to better would never write a recovery, so the combination is refused before anything is sent.
/// </summary>
/// <remarks>
/// Incidents need no state file: the one CachetSync opened is found again by the marker in its message.
/// </remarks>
public static class StateRequirement
{
    public static void Check(CachetSyncSettings settings, ConfigNode root)
    {
        var needs = new List<(string Key, string What)>();
        if (settings.Damping is { ToWorse: > 1 } worse)
        {
            needs.Add(("Damping.ToWorse", $"{worse.ToWorse} counts cycles"));
        }

        if (settings.Damping is { ToBetter: > 1 } better)
        {
            needs.Add(("Damping.ToBetter", $"{better.ToBetter} counts cycles"));
        }

        if (settings.Cachet.RespectManualStatus)
        {
            needs.Add(("Cachet.RespectManualStatus", "remembers what CachetSync last wrote"));
        }

        if (needs.Count == 0)
        {
            return;
        }

        var state = root.Child("State");
        var why = string.Join(" and ", needs.Select(need => $"{need.Key} ({need.What})"));
        if (settings.State?.Path is not { } path)
        {
            state.Problem(
                "Path",
                $"is required with --once: {why} across runs, and each --once run forgets everything without a state file. " +
                "Set State.Path to a writable file (in a container: on a volume), run without --once as a worker, or set those to 1 / false");
            return;
        }

        if (WhyNotWritable(path) is { } reason)
        {
            state.Problem("Path", $"\"{path}\" cannot be written ({reason}), and with --once {why} across runs needs it");
        }
    }

    /// <summary>Tries what saving will do (create a file beside the state file), without touching the state file.</summary>
    private static string? WhyNotWritable(string path)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.probe");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return Directory.Exists(path) ? "it is a directory" : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ex.Message;
        }
    }
}
