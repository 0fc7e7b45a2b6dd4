using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.State;

/// <summary>
/// The state a process works with: loaded from the state file (if one is configured) before its first cycle,
/// kept in memory across a worker's cycles, saved after each cycle that wrote or counted anything.
/// </summary>
public sealed class StateStore(StateSettings settings, ILoggerFactory loggers)
{
    private readonly StateFile? _file = settings.Path is { } path ? new StateFile(path, loggers.CreateLogger<StateFile>()) : null;
    private SyncState? _state;

    public SyncState Current => _state ??= _file?.Load() ?? new SyncState();

    public void Save()
    {
        if (_state is not null)
        {
            _file?.Save(_state);
        }
    }
}
