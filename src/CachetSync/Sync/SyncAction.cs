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

    /// <summary>A change not yet seen in enough cycles in a row to be written (flap damping).</summary>
    Damped,

    /// <summary>A status a human set by hand, left alone for a while (Cachet.RespectManualStatus).</summary>
    Held,

    /// <summary>The server is configured with Enabled: false: not probed, not written.</summary>
    Disabled,

    /// <summary>The component is under a Cachet maintenance schedule in progress: left alone.</summary>
    Maintenance,

    /// <summary>
    /// Left as it is because what the probes saw may be CachetSync's own fault (<c>Guard</c>): no canary answered, or
    /// too many servers would get worse at once with no second witness.
    /// </summary>
    Guarded,

    /// <summary>
    /// Left as it is because a witness vantage point (<c>Guard.Witnesses</c>) saw the server healthy: this machine's
    /// path to it is cut, the server is not down.
    /// </summary>
    Unconfirmed,
}

public static class SyncActions
{
    /// <summary>How an action is written everywhere it is shown: table, JSON, metrics (<c>dry-run</c>, <c>updated</c>, …).</summary>
    public static string Label(this SyncAction action) => action switch
    {
        SyncAction.DryRun => "dry-run",
        _ => action.ToString().ToLowerInvariant(),
    };
}
