using System.Text.Json.Serialization;

namespace CachetSync.Output;

/// <summary>
/// The JSON summary of a cycle (<c>--output json</c>), one line per cycle. Its names are a contract documented in
/// docs/output.md: add fields, never rename them. Null fields are written as null, not left out (timings excepted: they are
/// there only with <c>Probe.Timings</c>).
/// </summary>
public sealed record SummaryDocument(
    DateTimeOffset StartedAt,
    double DurationMs,
    bool DryRun,
    bool Stopped,
    bool Worker,
    int ExitCode,
    string? Shard,
    string? CachetError,
    SummaryTotals Totals,
    IReadOnlyList<ServerDocument> Servers,
    GuardDocument? Guard,
    string? ReportsUnavailable,
    string? Witnesses,
    string? StateError,
    string? CanaryProblem);

/// <summary>What the guard did, when it acted: <c>held</c> statuses, the <c>cause</c> and <c>reason</c>, the <c>witness</c> that let a mass change through.</summary>
public sealed record GuardDocument(bool Held, string Cause, string Reason, string? Witness);

/// <summary>
/// How many servers, failed probes, and servers per action (one field per <see cref="Sync.SyncAction"/>); <c>notJudged</c>:
/// servers this machine could not probe fairly (counted among <c>failed</c> too); <c>outOfBudget</c>: of those, the ones
/// that had no turn within the cycle's budget.
/// </summary>
public sealed record SummaryTotals(
    int Servers, int ProbesFailed, int Unchanged, int Updated, int DryRun, int Failed, int Skipped, int Damped, int Held, int Disabled, int Maintenance, int Guarded,
    int Unconfirmed, int NotJudged, int OutOfBudget);

/// <summary>One server's row of the JSON summary.</summary>
public sealed record ServerDocument(
    string Server,
    string Probe,
    int? StatusCode,
    double LatencyMs,
    string ProbeDetail,
    int Attempts,
    double? ThroughputBytesPerSecond,
    double? CertificateExpiresInDays,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TimingsDocument? Timings,
    int? Reports,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Audience,
    int? ComponentId,
    string? Current,
    string? Desired,
    string Reason,
    string Action,
    string? Error,
    string? Note);

/// <summary>Milliseconds per probe phase; null for a phase that did not happen.</summary>
public sealed record TimingsDocument(double? DnsMs, double? ConnectMs, double? TlsMs, double? FirstByteMs, double? BodyMs);

/// <summary>One component of <c>--list-components --output json</c>; ungrouped is a null group on both Cachet versions.</summary>
public sealed record ComponentDocument(int Id, string Name, int? GroupId, string? Group, string Status, bool Enabled);
