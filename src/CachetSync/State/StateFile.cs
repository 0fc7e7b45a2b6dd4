using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CachetSync.State;

/// <summary>
/// Loads and saves <see cref="SyncState"/> as JSON. Saving writes a temp file of its own beside the target, flushes
/// it to the disk and renames it over, so a crash or a power cut never leaves half a file; a missing, corrupt or
/// oversized file is logged and read as empty, and a bad entry costs only itself. A save that fails fails the run: a
/// full disk would otherwise lose every count silently, and with <c>--once</c> a damped recovery is never written.
/// </summary>
public sealed class StateFile(string path, ILogger<StateFile> logger)
{
    private const int CurrentVersion = 1;

    /// <summary>
    /// 100 000 components in an outage, each with its incident, stamp and window, take 22 MB (StateFileTests writes them), past
    /// the 16 MiB this once was, and such a file was read as empty: every incident id and hold lost at the worst time.
    /// With every field set an entry is about 560 bytes; 64 MiB holds 100 000 of those. A larger file is not ours.
    /// </summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public SyncState Load()
    {
        if (!File.Exists(path))
        {
            logger.LogInformation("No state file at {Path} yet: starting with empty state", path);
            return new SyncState();
        }

        try
        {
            var document = JsonSerializer.Deserialize(BoundedFile.ReadAllBytes(path, MaxBytes, ReadTimeout), StateJsonContext.Default.StateDocument);
            if (document is not { Version: CurrentVersion, Components: not null })
            {
                throw new JsonException($"expected version {CurrentVersion} with \"components\"");
            }

            return new SyncState(Components(document))
            {
                GuardHeldCycles = Math.Max(0, document.GuardHeldCycles ?? 0),
                Unjudged = document.Unjudged?.Where(pair => pair.Value is { Cycles: > 0 }).ToDictionary() ?? [],
            };
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            logger.LogWarning("State file {Path} cannot be used ({Reason}); starting with empty state", path, ex.Message);
            return new SyncState();
        }
    }

    /// <summary>The entries by component id; a key that is no id, or names an id again ("1" and "01"), is skipped.</summary>
    private Dictionary<int, ComponentMemory> Components(StateDocument document)
    {
        var components = new Dictionary<int, ComponentMemory>();
        foreach (var (key, entry) in document.Components)
        {
            if (entry is null || !int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                logger.LogWarning("State file {Path}: entry \"{Key}\" is not a component's; ignored", path, key);
            }
            else if (!components.TryAdd(id, entry))
            {
                logger.LogWarning("State file {Path}: component {Id} has a second entry \"{Key}\"; the first is kept", path, id, key);
            }
        }

        return components;
    }

    /// <returns>Null when saved; else why not, naming the file (the run then fails: what it counted and held is lost).</returns>
    public string? Save(SyncState state)
    {
        var document = new StateDocument(
            CurrentVersion,
            state.Components.ToDictionary(pair => pair.Key.ToString(CultureInfo.InvariantCulture), pair => pair.Value),
            state.GuardHeldCycles > 0 ? state.GuardHeldCycles : null,
            state.Unjudged.Count > 0 ? state.Unjudged : null);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        // Unique per save: every container's process is PID 1, so a PID would not tell two runs on one volume apart.
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(JsonSerializer.SerializeToUtf8Bytes(document, StateJsonContext.Default.StateDocument));
                // On the disk before the rename: otherwise a power cut can leave the new name on empty content.
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError("State file {Path} could not be written ({Reason}): what this run counted and held (damping, manual holds, incidents) is lost", path, ex.Message);
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug("{File} not removed: {Reason}", temporary, cleanup.Message);
            }

            return $"state file {path} could not be written ({ex.Message})";
        }
    }

    /// <summary>
    /// Removes the temporary files of saves a kill interrupted (written, never renamed): nothing else removes them,
    /// and a crash-looping job would leave one a run. Safe only under the state lock, when no save is under way.
    /// </summary>
    public void RemoveInterruptedSaves()
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        try
        {
            foreach (var leftover in Directory.EnumerateFiles(directory, $".{System.IO.Path.GetFileName(path)}.*.tmp"))
            {
                File.Delete(leftover);
                logger.LogInformation("Removed {File}, left by a save that was interrupted", System.IO.Path.GetFileName(leftover));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogDebug("Leftover state files not removed: {Reason}", ex.Message);
        }
    }
}
