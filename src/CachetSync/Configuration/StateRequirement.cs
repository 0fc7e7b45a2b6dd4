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

        if (WhyNotWritable(path, RealisticBytes(path, settings.Servers.Count + (settings.Templates ?? []).Count)) is { } reason)
        {
            state.Problem("Path", $"\"{path}\" cannot be written ({reason}), and with --once {why} across runs needs it");
        }
    }

    /// <summary>
    /// A component's entry takes about 300 bytes of JSON with every field set; twice that, for each server or template
    /// (a template's group may hold many, so the present file's size counts too), and at least a page of the disk — but
    /// never more than <see cref="MostProven"/>.
    /// </summary>
    private const int BytesPerEntry = 600;

    /// <summary>
    /// Proving room for the largest state file a run reads back (<see cref="State.StateFile.MaxBytes"/>, 64 MiB) would
    /// cost a 100 000-server fleet's every --once run 60 MB written and flushed at start-up; a save that still finds
    /// the disk full fails its run and says so.
    /// </summary>
    private const int MostProven = 16 * 1024 * 1024;

    private static long RealisticBytes(string path, int entries)
    {
        var present = File.Exists(path) ? new FileInfo(path).Length : 0;
        return Math.Min(MostProven, Math.Max(4096, Math.Max(present * 2, (long)entries * BytesPerEntry)));
    }

    /// <summary>
    /// Does what saving will do — write a file of that size beside the state file and flush it to the disk — without
    /// touching the state file. An empty file would prove nothing: a full disk still creates one.
    /// </summary>
    private static string? WhyNotWritable(string path, long bytes)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return "it is a directory";
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.probe");
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.DeleteOnClose);
            var block = new byte[4096];
            Array.Fill(block, (byte)' ');
            for (var written = 0L; written < bytes; written += block.Length)
            {
                file.Write(block);
            }

            file.Flush(flushToDisk: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ex.Message;
        }
    }
}
