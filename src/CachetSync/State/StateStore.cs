using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.State;

/// <summary>
/// The state a process works with: loaded from the state file (if one is configured) before its first cycle,
/// kept in memory across a worker's cycles, saved after each cycle that wrote or counted anything.
/// </summary>
public sealed class StateStore(StateSettings settings, ILoggerFactory loggers) : IDisposable
{
    private readonly StateFile? _file = settings.Path is { } path ? new StateFile(path, loggers.CreateLogger<StateFile>()) : null;
    private readonly StateLock? _lock = settings.Path is { } path ? new StateLock(path, loggers.CreateLogger<StateLock>()) : null;
    private SyncState? _state;
    private bool _interruptedSavesRemoved;

    public SyncState Current => _state ??= _file?.Load() ?? new SyncState();

    /// <summary>Takes the state file's lock for the rest of the process, before the state is read for a cycle that writes.</summary>
    /// <returns>Null when this process may write; else why not.</returns>
    public async Task<string?> LockAsync(CancellationToken cancellationToken)
    {
        var refused = _lock is null ? null : await _lock.AcquireAsync(cancellationToken);
        // Once a process: a worker's own saves finish before its next cycle, so later cycles find nothing left.
        if (refused is null && !_interruptedSavesRemoved)
        {
            _file?.RemoveInterruptedSaves();
            _interruptedSavesRemoved = true;
        }

        return refused;
    }

    /// <returns>Null when saved (or there is nothing to save to); else why not.</returns>
    public string? Save() => _state is not null ? _file?.Save(_state) : null;

    public void Dispose() => _lock?.Dispose();
}
