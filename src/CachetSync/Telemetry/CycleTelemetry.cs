using System.Diagnostics;
using System.Diagnostics.Metrics;
using CachetSync.Sync;
using CachetSync.Thresholds;

namespace CachetSync.Telemetry;

/// <summary>
/// What CachetSync tells metrics and tracing systems, with the platform's own instruments (<see cref="Meter"/>,
/// <see cref="ActivitySource"/>): any listener or exporter (OpenTelemetry, dotnet-counters) can read them by the
/// names below. Recorded from each cycle's summary, so every number agrees with what the summary printed. Statuses
/// are gauges over the last cycle: a scrape between cycles sees what the last one found.
/// </summary>
public sealed class CycleTelemetry : IDisposable
{
    public const string Name = "CachetSync";

    public static readonly ActivitySource Tracing = new(Name);

    private readonly Meter _meter = new(Name);
    private readonly Histogram<double> _cycleDuration;
    private readonly Counter<long> _probes;
    private readonly Histogram<double> _probeDuration;
    private readonly Histogram<double> _throughput;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _reportReads;
    private readonly Counter<long> _guardHeld;
    private readonly Counter<long> _heartbeatFailures;
    private readonly Counter<long> _notJudged;
    private readonly Counter<long> _outOfBudget;
    private readonly Counter<long> _writesNotKept;
    private readonly Counter<long> _witnessQuestions;
    private readonly Counter<long> _otherWriter;
    private readonly Lock _gate = new();
    private IReadOnlyList<ServerOutcome> _last = [];
    private long? _lastCompleted;
    private long? _lastSuccessful;

    public CycleTelemetry()
    {
        _cycleDuration = _meter.CreateHistogram<double>("cachetsync.cycle.duration", "s", "How long a cycle took, probes to summary.",
            advice: Buckets(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600));
        _probes = _meter.CreateCounter<long>("cachetsync.probes", "{probe}", "Probes by their kind of result.");
        // Per server, so few buckets: at 10 000 servers each bucket is 10 000 series in Prometheus.
        _probeDuration = _meter.CreateHistogram<double>("cachetsync.probe.duration", "s",
            "Probe latency per server (time to the response headers, or to failing).", advice: Buckets(0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10));
        _throughput = _meter.CreateHistogram<double>("cachetsync.probe.throughput", "By/s",
            "Body rate per server, where a Throughput probe measured one.", advice: Buckets(1e5, 1e6, 1e7, 1e8, 1e9));
        _writes = _meter.CreateCounter<long>("cachetsync.writes", "{server}", "What each cycle did per server: updated, unchanged, failed, damped…");
        _reportReads = _meter.CreateCounter<long>("cachetsync.report.reads", "{read}",
            "Report source reads by outcome: ok, partial (some counts unusable and ignored), failed (probe-only statuses that cycle).");
        _guardHeld = _meter.CreateCounter<long>("cachetsync.guard.held", "{cycle}",
            "Cycles whose statuses the guard held, by cause: canaries (none answered), mass_change (too many worse at once, no witness).");
        _heartbeatFailures = _meter.CreateCounter<long>("cachetsync.heartbeat.failures", "{ping}",
            "Heartbeat pings (Heartbeat.Url) that did not get a 2xx answer in time.");
        _notJudged = _meter.CreateCounter<long>("cachetsync.probes.not_judged", "{probe}",
            "Servers this machine could not probe fairly (its CPU busy, its own scheduler lag): left as they were, never written.");
        _outOfBudget = _meter.CreateCounter<long>("cachetsync.probes.out_of_budget", "{probe}",
            "Servers not judged because the fleet needed more than the cycle's budget (Probe.CycleBudget, or the schedule): shard, or lengthen the interval.");
        _writesNotKept = _meter.CreateCounter<long>("cachetsync.writes.not_kept", "{write}",
            "Writes Cachet confirmed but did not keep (a read right after, or the next cycle, showed the component as before).");
        _otherWriter = _meter.CreateCounter<long>("cachetsync.other_writer.components", "{component}",
            "Components left unwritten in a cycle because another writer drives them (CachetSync's writes changed by someone else again and again).");
        _witnessQuestions = _meter.CreateCounter<long>("cachetsync.witness.questions", "{question}",
            "A witness's questions from writers, by outcome: answered, unauthorized, refused (malformed, too large), busy.");
        // At zero from the start, so a dashboard's increase() sees the first hold instead of a series that appears.
        foreach (var cause in Enum.GetValues<GuardCause>())
        {
            _guardHeld.Add(0, Cause(cause));
        }

        _heartbeatFailures.Add(0);
        _notJudged.Add(0);
        _outOfBudget.Add(0);
        _writesNotKept.Add(0);
        _otherWriter.Add(0);
        _meter.CreateObservableGauge("cachetsync.component.status.desired", () => Statuses(desired: true), "{status}",
            "The Cachet status (1–4) the last cycle wanted per server.");
        _meter.CreateObservableGauge("cachetsync.component.status.current", () => Statuses(desired: false), "{status}",
            "What Cachet shows per server after the last cycle: the status it wrote, or the one it found and left.");
        _meter.CreateObservableGauge("cachetsync.cycle.last_completed", () => Time(successful: false), "s", "Unix time the last cycle finished.");
        _meter.CreateObservableGauge("cachetsync.cycle.last_successful", () => Time(successful: true), "s", "Unix time the last cycle finished with exit code 0.");
    }

    private static InstrumentAdvice<double> Buckets(params double[] boundaries) => new() { HistogramBucketBoundaries = boundaries };

    public void Record(CycleSummary summary)
    {
        _cycleDuration.Record(summary.Duration.TotalSeconds, new KeyValuePair<string, object?>("exit_code", summary.ExitCode));
        // Per server only when something listens: labels for ten thousand servers are not made to be thrown away.
        var perServer = _probes.Enabled || _writes.Enabled || _probeDuration.Enabled || _throughput.Enabled;
        foreach (var server in perServer ? summary.Servers : [])
        {
            var name = new KeyValuePair<string, object?>("server", server.Server);
            _probes.Add(1, new KeyValuePair<string, object?>("probe.kind", server.Probe.Kind.ToString()));
            _writes.Add(1, new KeyValuePair<string, object?>("action", server.Action.Label()));
            if (server.HasDesired)
            {
                _probeDuration.Record(server.Probe.Latency.TotalSeconds, name);
            }

            if (server.Probe.Throughput is { } rate)
            {
                _throughput.Record(rate.BytesPerSecond, name);
            }
        }

        if (summary.Guard is { Held: true } guard)
        {
            _guardHeld.Add(1, Cause(guard.Cause));
        }

        _notJudged.Add(summary.NotJudged);
        _outOfBudget.Add(summary.OutOfBudget);
        _writesNotKept.Add(summary.Servers.Count(server => server.WriteNotKept));
        _otherWriter.Add(summary.Servers.Count(server => server.OtherWriter));

        var finished = (summary.StartedAt + summary.Duration).ToUnixTimeSeconds();
        lock (_gate)
        {
            _last = summary.Servers;
            _lastCompleted = finished;
            _lastSuccessful = summary.ExitCode == CycleSummary.ExitApplied ? finished : _lastSuccessful;
        }
    }

    public void RecordReportRead(string source, string outcome) =>
        _reportReads.Add(1, new KeyValuePair<string, object?>("report.source", source), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>The <c>cause</c> label: <c>canaries</c>, <c>mass_change</c>.</summary>
    private static KeyValuePair<string, object?> Cause(GuardCause cause) =>
        new("cause", cause == GuardCause.Canaries ? "canaries" : "mass_change");

    public void RecordHeartbeatFailure() => _heartbeatFailures.Add(1);

    /// <param name="outcome"><c>answered</c>, <c>unauthorized</c>, <c>refused</c> or <c>busy</c>.</param>
    public void RecordWitnessQuestion(string outcome) => _witnessQuestions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private IEnumerable<Measurement<int>> Statuses(bool desired)
    {
        IReadOnlyList<ServerOutcome> last;
        lock (_gate)
        {
            last = _last;
        }

        foreach (var server in last)
        {
            var status = desired ? (server.HasDesired ? (int?)server.Desired.Status : null) : (int?)OnCachet(server);
            if (status is { } value)
            {
                yield return new Measurement<int>(value, new("server", server.Server), new("component.id", server.ComponentId));
            }
        }
    }

    /// <summary>What Cachet shows after the cycle: the status written, where the cycle wrote one; else what it found.</summary>
    private static ComponentStatus? OnCachet(ServerOutcome server) =>
        server.Action == SyncAction.Updated ? server.Desired.Status : server.Current;

    private IEnumerable<Measurement<long>> Time(bool successful)
    {
        lock (_gate)
        {
            return (successful ? _lastSuccessful : _lastCompleted) is { } value ? [new Measurement<long>(value)] : [];
        }
    }

    public void Dispose() => _meter.Dispose();
}
