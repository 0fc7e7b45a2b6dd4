using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CachetSync.State;

/// <summary>
/// Loads and saves <see cref="SyncState"/> as JSON. Saving writes a temp file beside the target and renames it over,
/// so a crash mid-write never leaves half a file; a missing or corrupt file is logged and read as empty.
/// </summary>
public sealed class StateFile(string path, ILogger<StateFile> logger)
{
    private const int CurrentVersion = 1;

    public SyncState Load()
    {
        if (!File.Exists(path))
        {
            logger.LogInformation("No state file at {Path} yet: starting with empty state", path);
            return new SyncState();
        }

        try
        {
            var document = JsonSerializer.Deserialize(File.ReadAllBytes(path), StateJsonContext.Default.StateDocument);
            if (document is not { Version: CurrentVersion, Components: not null })
            {
                throw new JsonException($"expected version {CurrentVersion} with \"components\"");
            }

            return new SyncState(document.Components.ToDictionary(
                entry => int.Parse(entry.Key, CultureInfo.InvariantCulture),
                entry => new ComponentMemory(entry.Value.LastWritten, entry.Value.Pending, entry.Value.PendingCycles, entry.Value.HeldUntil, entry.Value.OpenIncident)));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("State file {Path} cannot be used ({Reason}); starting with empty state", path, ex.Message);
            return new SyncState();
        }
    }

    public void Save(SyncState state)
    {
        var document = new StateDocument(
            CurrentVersion,
            state.Components.ToDictionary(
                pair => pair.Key.ToString(CultureInfo.InvariantCulture),
                pair => new StateEntry(pair.Value.LastWritten, pair.Value.Pending, pair.Value.PendingCycles, pair.Value.HeldUntil, pair.Value.OpenIncident)));
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(document, StateJsonContext.Default.StateDocument));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("State file {Path} could not be written ({Reason}); damping and manual holds restart next run", path, ex.Message);
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
