using CachetSync.Configuration;
using CachetSync.Probing;

namespace CachetSync.Thresholds;

/// <summary>Turns a probe result and a user report count into the component status a server should have. Pure.</summary>
public static class ThresholdMapper
{
    public static StatusDecision Map(ProbeResult probe, int? reports, ThresholdSettings thresholds)
    {
        var fromProbe = FromProbe(probe, thresholds);
        var fromReports = FromReports(reports, thresholds.Reports);
        if (fromReports is null)
        {
            return fromProbe;
        }

        return thresholds.ReportsApply switch
        {
            ReportsApply.WhenProbeOperational when fromProbe.Status != ComponentStatus.Operational => fromProbe,
            _ when fromReports.Status > fromProbe.Status =>
                new StatusDecision(fromReports.Status, $"{fromProbe.Reason}; {fromReports.Reason}"),
            _ => fromProbe,
        };
    }

    private static StatusDecision FromProbe(ProbeResult probe, ThresholdSettings thresholds)
    {
        switch (probe.Kind)
        {
            case ProbeKind.Ok:
                break;
            case ProbeKind.Timeout:
                return new StatusDecision(thresholds.Timeout, probe.Detail);
            default:
                return new StatusDecision(thresholds.ConnectionError, probe.Detail);
        }

        // A TCP probe has no status code: a completed connect is as good as a 2xx.
        var decision = new StatusDecision(
            probe.StatusCode is { } code ? thresholds.StatusCodes.Map(code) : ComponentStatus.Operational, probe.Detail);
        if (probe.Unmet is { } unmet)
        {
            decision = Worse(decision, unmet.Status, $"; {unmet.Reason}");
        }

        if (probe.Throughput is { IsBelowMinimum: true } rate)
        {
            decision = Worse(decision, thresholds.Slow, $"; {rate.Comparison}");
        }

        if (thresholds.SlowAfter is { } slowAfter && probe.Latency > slowAfter)
        {
            decision = Worse(decision, thresholds.Slow, $" slow: {Milliseconds(probe.Latency)} > {Milliseconds(slowAfter)}");
        }

        if (thresholds.CertificateExpiresWithin is { } within && probe.CertificateExpiresIn is { } left && left < within)
        {
            decision = Worse(decision, thresholds.CertificateExpiring, $"; the TLS certificate expires in {Days(left)} (< {DurationText.Format(within)})");
        }

        return decision;
    }

    /// <summary>A finding changes the decision only when it is worse: the reason then says both.</summary>
    private static StatusDecision Worse(StatusDecision decision, ComponentStatus status, string because) =>
        status > decision.Status ? new StatusDecision(status, decision.Reason + because) : decision;

    private static string Days(TimeSpan left) =>
        left <= TimeSpan.Zero ? "0 days (expired)" : left.TotalDays < 1 ? $"{left.TotalHours:0} h" : $"{Math.Floor(left.TotalDays):0} days";

    private static StatusDecision? FromReports(int? reports, IReadOnlyList<ReportThreshold> thresholds)
    {
        if (reports is not { } count)
        {
            return null;
        }

        var reached = thresholds.Where(threshold => threshold.AtLeast <= count).MaxBy(threshold => threshold.AtLeast);
        return reached is null
            ? null
            : new StatusDecision(reached.Status, $"{count} reports >= {reached.AtLeast}");
    }

    private static string Milliseconds(TimeSpan value) => $"{value.TotalMilliseconds:0} ms";
}
