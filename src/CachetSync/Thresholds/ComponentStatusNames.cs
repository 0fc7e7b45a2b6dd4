namespace CachetSync.Thresholds;

/// <summary>Reads a status written in configuration as a name (any case) or as its Cachet integer.</summary>
public static class ComponentStatusNames
{
    public static bool TryParse(string? text, out ComponentStatus status)
    {
        status = ComponentStatus.Unknown;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (int.TryParse(trimmed, out var number))
        {
            // Unknown (0) is what Cachet shows before anyone wrote; it is never a status to set.
            if (number is < 1 or > 4)
            {
                return false;
            }

            status = (ComponentStatus)number;
            return true;
        }

        var compact = trimmed.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return Enum.TryParse(compact, ignoreCase: true, out status)
            && status is >= ComponentStatus.Operational and <= ComponentStatus.MajorOutage;
    }

    public static string Expected => "Operational, PerformanceIssues, PartialOutage, MajorOutage or 1-4";

    /// <summary>Short human label, as Cachet's page words it.</summary>
    public static string Label(this ComponentStatus status) => status switch
    {
        ComponentStatus.Operational => "Operational",
        ComponentStatus.PerformanceIssues => "Performance issues",
        ComponentStatus.PartialOutage => "Partial outage",
        ComponentStatus.MajorOutage => "Major outage",
        ComponentStatus.UnderMaintenance => "Under maintenance",
        _ => "Unknown",
    };
}
