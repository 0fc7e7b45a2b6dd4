using Cronos;

namespace CachetSync.Configuration;

/// <summary>Section <c>Schedule</c>: when the long-running worker runs a cycle.</summary>
public sealed record ScheduleSettings(CronExpression Cron, string CronText, TimeZoneInfo TimeZone)
{
    public static readonly string[] Keys = ["Cron", "IncludeSeconds", "TimeZone"];

    public const string DefaultCron = "*/2 * * * *";

    public static ScheduleSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var text = node.String("Cron") ?? DefaultCron;
        var cron = ParseCron(node, text, node.Bool("IncludeSeconds"));
        var zone = ReadTimeZone(node);
        return new ScheduleSettings(cron, text, zone);
    }

    private static CronExpression ParseCron(ConfigNode node, string text, bool? includeSeconds)
    {
        // Cronos must be told whether the first field is seconds; without IncludeSeconds, six fields say so.
        var seconds = includeSeconds ?? text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
        var format = seconds ? CronFormat.IncludeSeconds : CronFormat.Standard;
        try
        {
            return CronExpression.Parse(text, format);
        }
        catch (CronFormatException ex)
        {
            node.Problem("Cron", $"\"{text}\" is not a cron expression: {ex.Message}");
            return CronExpression.Parse(DefaultCron);
        }
    }

    private static TimeZoneInfo ReadTimeZone(ConfigNode node)
    {
        var id = node.String("TimeZone");
        if (id is null)
        {
            return TimeZoneInfo.Utc;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }

        node.Problem("TimeZone", $"\"{id}\" is not a known time zone (use an IANA id such as Europe/Berlin)");
        return TimeZoneInfo.Utc;
    }
}
