using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>Reads a <c>Thresholds</c> section (top level, per server, per group) over the thresholds it inherits.</summary>
public static class ThresholdSettingsReader
{
    /// <summary>
    /// Reads <paramref name="node"/> over <paramref name="inherited"/>: every key present replaces the inherited
    /// value. With <paramref name="mergeStatusCodes"/> (per-server overrides) status-code entries are merged
    /// key by key; otherwise a <c>StatusCodes</c> section is the whole plan and replaces the inherited one.
    /// </summary>
    public static ThresholdSettings Read(ConfigNode node, ThresholdSettings inherited, bool mergeStatusCodes)
    {
        if (!node.Exists)
        {
            return inherited;
        }

        node.RejectUnknownKeys(ThresholdSettings.Keys);
        var reports = ReadReports(node.Child("Reports"));
        return new ThresholdSettings(
            ReadStatusCodes(node.Child("StatusCodes"), inherited.StatusCodes, mergeStatusCodes),
            node.DurationOrOff("SlowAfter", inherited.SlowAfter),
            node.Status("Slow") ?? inherited.Slow,
            node.Status("Timeout") ?? inherited.Timeout,
            node.Status("ConnectionError") ?? inherited.ConnectionError,
            reports?.Counts ?? inherited.Reports,
            node.Enum<WhenReportsCount>("ReportsApply") ?? inherited.ReportsApply,
            // A certificate's life is counted in days: up to a year.
            node.DurationOrOff("CertificateExpiresWithin", inherited.CertificateExpiresWithin, max: TimeSpan.FromDays(366)),
            node.Status("CertificateExpiring") ?? inherited.CertificateExpiring)
        {
            // A Reports list replaces both kinds of inherited rule: it is the whole plan for report counts.
            ReportRates = reports?.Rates ?? inherited.ReportRates,
        };
    }

    private static StatusCodeMap ReadStatusCodes(ConfigNode node, StatusCodeMap inherited, bool merge)
    {
        if (!node.Exists)
        {
            return inherited;
        }

        var rules = new List<StatusCodeRule>();
        ComponentStatus? @default = null;
        foreach (var (key, _) in node.Entries())
        {
            var status = node.Status(key);
            if (status is null)
            {
                continue;
            }

            if (string.Equals(key, "default", StringComparison.OrdinalIgnoreCase))
            {
                @default = status;
            }
            else if (StatusCodeRule.TryParseKey(key, status.Value, out var rule))
            {
                rules.Add(rule);
            }
            else
            {
                node.Problem($"\"{key}\" is not a code, a range a-b or \"default\" (codes 100-599)");
            }
        }

        if (merge)
        {
            var overridden = rules.Select(rule => (rule.From, rule.To)).ToHashSet();
            rules.AddRange(inherited.Rules.Where(rule => !overridden.Contains((rule.From, rule.To))));
        }

        foreach (var (first, second) in StatusCodeMap.Ambiguities(rules))
        {
            node.Problem($"\"{first}\" and \"{second}\" overlap and are equally specific; make one narrower");
        }

        return new StatusCodeMap(rules, @default ?? (merge ? inherited.Default : ThresholdSettings.BuiltIn.StatusCodes.Default));
    }

    /// <summary>
    /// One list, two kinds of rule: <c>AtLeast</c> (reports in the window) and <c>PerThousandAtLeast</c> (reports per
    /// 1 000 of the server's audience). Each rule is one or the other.
    /// </summary>
    private static (IReadOnlyList<ReportThreshold> Counts, IReadOnlyList<ReportRateThreshold> Rates)? ReadReports(ConfigNode node)
    {
        if (!node.Exists)
        {
            return null;
        }

        var counts = new List<ReportThreshold>();
        var rates = new List<ReportRateThreshold>();
        foreach (var item in node.Items())
        {
            item.RejectUnknownKeys(ThresholdSettings.ReportThresholdKeys);
            var status = item.Status("Status");
            item.Require("Status");
            var hasCount = item.Child("AtLeast").Exists;
            var hasRate = item.Child("PerThousandAtLeast").Exists;
            if (hasCount == hasRate)
            {
                item.Problem(hasCount
                    ? "has both AtLeast and PerThousandAtLeast: a rule is on counts or on rates, make it two rules"
                    : "needs AtLeast (reports in the window) or PerThousandAtLeast (reports per 1 000 of audience)");
                continue;
            }

            if (hasCount && item.Int("AtLeast", 1, int.MaxValue) is { } count && status is { } countStatus)
            {
                if (counts.Any(existing => existing.AtLeast == count))
                {
                    item.Problem("AtLeast", $"{count} appears twice");
                }

                counts.Add(new ReportThreshold(count, countStatus));
            }
            else if (hasRate && item.PerThousand("PerThousandAtLeast") is { } rate && status is { } rateStatus)
            {
                if (rates.Any(existing => existing.PerThousandAtLeast == rate))
                {
                    item.Problem("PerThousandAtLeast", $"{rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} appears twice");
                }

                rates.Add(new ReportRateThreshold(rate, rateStatus));
            }
        }

        return (counts.OrderBy(threshold => threshold.AtLeast).ToList(), rates.OrderBy(threshold => threshold.PerThousandAtLeast).ToList());
    }
}
