namespace CachetSync.Sync;

/// <summary>The result of one cycle, and the exit code a scheduler reads from it.</summary>
public sealed record CycleSummary(IReadOnlyList<ServerOutcome> Servers, string? CachetError, TimeSpan Duration, bool DryRun)
{
    public const int ExitApplied = 0;
    public const int ExitInvalidConfiguration = 1;
    public const int ExitCachetFailed = 2;

    /// <summary>Probe failures are results, not errors: only Cachet trouble makes a cycle fail.</summary>
    public int ExitCode => CachetError is not null || Count(SyncAction.Failed) > 0 ? ExitCachetFailed : ExitApplied;

    public int Count(SyncAction action) => Servers.Count(server => server.Action == action);
}
