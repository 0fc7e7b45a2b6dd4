using CachetSync.Probing;

namespace CachetSync.Sync;

/// <summary>The result of one cycle, and the exit code a scheduler reads from it.</summary>
/// <param name="Stopped">A stop request cut the cycle short: some servers were not probed or not written.</param>
/// <param name="Worker">
/// A cycle of the long-running worker: being stopped is how a worker ends, not a failure, so it alone does not make
/// the code 2 — the worker process exits with the code of the cycle its stop cut short.
/// </param>
public sealed record CycleSummary(
    IReadOnlyList<ServerOutcome> Servers,
    string? CachetError,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    bool DryRun,
    bool Stopped,
    bool Worker = false,
    string? Shard = null)
{
    /// <summary>What the guard did this cycle, when it had to act (held the cycle, or let a confirmed mass change through).</summary>
    public GuardReport? Guard { get; init; }

    /// <summary>Why the report source could not be read this cycle (statuses then rest on the probes alone); null when it was.</summary>
    public string? ReportsUnavailable { get; init; }

    /// <summary>What the witnesses said this cycle (who answered, who could not be asked); null when none was asked.</summary>
    public string? Witnesses { get; init; }

    /// <summary>Why the state file could not be saved after this cycle (its counts and holds are lost); null when it was.</summary>
    public string? StateError { get; init; }

    /// <summary>Canaries that do not exist (a configuration mistake the guard cannot work with); null when there are none.</summary>
    public string? CanaryProblem { get; init; }

    public const int ExitApplied = 0;
    public const int ExitInvalidConfiguration = 1;
    public const int ExitCachetFailed = 2;

    /// <summary>
    /// Probe failures are results, not errors: only Cachet trouble makes a cycle fail — and a cycle the guard held,
    /// since then the page may no longer say what the servers do, and a state that could not be saved.
    /// </summary>
    public int ExitCode =>
        CachetError is not null || StateError is not null || CanaryProblem is not null || (Stopped && !Worker) || Count(SyncAction.Failed) > 0 || Count(SyncAction.Guarded) > 0 || Count(SyncAction.Unconfirmed) > 0
            ? ExitCachetFailed : ExitApplied;

    public int Count(SyncAction action) => Servers.Count(server => server.Action == action);

    /// <summary>
    /// Servers this machine could not probe fairly (its CPU busy, its own lag): nothing was said about them, their
    /// statuses stay as they were.
    /// </summary>
    public int NotJudged => Servers.Count(server => server.Probe.IsNotJudged);

    /// <summary>Of <see cref="NotJudged"/>, those that had no turn within the cycle's budget: the fleet outgrew the cycle.</summary>
    public int OutOfBudget => Servers.Count(server => server.Probe.IsOutOfBudget);

    /// <summary>
    /// Probes that got no answer or an HTTP error (400 and up: a 503 is a server saying it is failing); a disabled
    /// server was not probed, so it does not count.
    /// </summary>
    public int ProbesFailed => Servers.Count(server => server.Probe.Kind is not (ProbeKind.Ok or ProbeKind.NotProbed) || server.Probe.StatusCode >= 400);
}
