namespace CachetSync.Sync;

/// <summary>What a cycle did about one server's component.</summary>
public enum SyncAction
{
    /// <summary>Cachet already shows the desired status: nothing written.</summary>
    Unchanged,

    /// <summary>The status was written and Cachet confirmed it.</summary>
    Updated,

    /// <summary>Dry run: the status would have been written.</summary>
    DryRun,

    /// <summary>The component could not be found, or the write failed or was not applied.</summary>
    Failed,

    /// <summary>Nothing attempted: Cachet could not be read, or the cycle was stopped.</summary>
    Skipped,
}
