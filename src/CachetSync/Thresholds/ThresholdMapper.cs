using System.Globalization;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;

namespace CachetSync.Thresholds;

/// <summary>Turns a probe result and a server's user reports (a count, perhaps with its audience) into the component status a server should have. Pure.</summary>
public static class ThresholdMapper
{
    private static readonly NumberFormatInfo ThousandsApart = new() { NumberGroupSeparator = " ", NumberDecimalSeparator = "." };

    public static StatusDecision Map(ProbeResult probe, ServerReports? reports, ThresholdSettings thresholds)
    {
        var fromProbe = FromProbe(probe, thresholds);
        var fromReports = reports is { } tally ? FromReports(tally, thresholds) : null;
        if (fromReports is null)
        {
            return fromProbe;
        }

        return thresholds.ReportsApply switch
        {
            WhenReportsCount.WhenProbeOperational when fromProbe.Status != ComponentStatus.Operational => fromProbe,
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

    /// <summary>
    /// Rates judge a server whose audience is known and at least the minimum; counts judge the others (a few reports
    /// from a handful of viewers are no evidence of a rate). A list with rules of one kind only uses them for all.
    /// </summary>
    private static StatusDecision? FromReports(ServerReports reports, ThresholdSettings thresholds)
    {
        if (thresholds.ReportRates.Count > 0 && (reports.HasRate || thresholds.Reports.Count == 0))
        {
            return reports.HasRate ? FromRate(reports, thresholds.ReportRates) : null;
        }

        var reached = thresholds.Reports.Where(threshold => threshold.AtLeast <= reports.Count).MaxBy(threshold => threshold.AtLeast);
        if (reached is null)
        {
            return null;
        }

        var why = thresholds.ReportRates.Count == 0 ? ""
            : reports.Audience is { } audience ? $" (audience {Whole(audience)} < {Whole(reports.MinAudience)}: too small for a rate)"
            : " (no audience known)";
        return new StatusDecision(reached.Status, $"{reports.Count} reports >= {reached.AtLeast}{why}");
    }

    private static StatusDecision? FromRate(ServerReports reports, IReadOnlyList<ReportRateThreshold> rates)
    {
        var audience = reports.Audience!.Value;
        // Compared as count × 1 000 >= rule × audience, in decimals: no rounding decides a status.
        var reached = rates
            .Where(rate => reports.Count * 1000m >= rate.PerThousandAtLeast * audience)
            .MaxBy(rate => rate.PerThousandAtLeast);
        return reached is null
            ? null
            : new StatusDecision(
                reached.Status,
                $"{Whole(reports.Count)} reports / {Whole(audience)} audience = {PerThousand(reports.Count * 1000m / audience, "0.0##")} >= {PerThousand(reached.PerThousandAtLeast, "0.###")}");
    }

    /// <summary>2 400: thousands apart, whatever the machine's culture.</summary>
    private static string Whole(long value) =>
        value.ToString("#,0", ThousandsApart);

    /// <summary>A rate as measured, 5.0‰ (one decimal at least), or a rule's bound as written, 5‰.</summary>
    private static string PerThousand(decimal value, string format) =>
        value.ToString(format, CultureInfo.InvariantCulture) + "‰";

    private static string Milliseconds(TimeSpan value) => $"{value.TotalMilliseconds:0} ms";
}
