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
        var status = probe.StatusCode is { } code ? thresholds.StatusCodes.Map(code) : ComponentStatus.Operational;
        if (thresholds.SlowAfter is { } slowAfter && probe.Latency > slowAfter && thresholds.Slow > status)
        {
            return new StatusDecision(
                thresholds.Slow,
                $"{probe.Detail} slow: {Milliseconds(probe.Latency)} > {Milliseconds(slowAfter)}");
        }

        return new StatusDecision(status, probe.Detail);
    }

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
