using Cronos;

namespace CachetSync.Configuration;

/// <summary>Section <c>Schedule</c>: when the long-running worker runs a cycle.</summary>
/// <param name="RunAtStart">The worker runs one cycle as soon as it starts, then keeps to the schedule.</param>
public sealed record ScheduleSettings(CronExpression Cron, string CronText, TimeZoneInfo TimeZone, bool RunAtStart = false)
{
    public static readonly string[] Keys = ["Cron", "IncludeSeconds", "TimeZone", "RunAtStart"];

    public const string DefaultCron = "*/2 * * * *";

    public static ScheduleSettings Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        // Present but empty (an unset variable in a manifest, CACHETSYNC_Schedule__Cron=""): a mistake, not "the default".
        if (node.Child("Cron").Exists && node.String("Cron") is null)
        {
            node.Problem("Cron", $"is empty: give a cron expression (e.g. \"{DefaultCron}\"), or leave the key out for that default");
        }

        var text = node.String("Cron") ?? DefaultCron;
        var cron = ParseCron(node, text, node.Bool("IncludeSeconds"));
        var zone = ReadTimeZone(node) ?? TimeZoneInfo.Utc;
        // "0 0 30 2 *" parses, yet no date matches it: a worker would wait forever doing nothing.
        if (cron.GetNextOccurrence(DateTimeOffset.UtcNow, zone) is null)
        {
            node.Problem("Cron", $"\"{text}\" never occurs (no date matches it)");
        }

        return new ScheduleSettings(cron, text, zone, node.Bool("RunAtStart") ?? false);
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

    private static TimeZoneInfo? ReadTimeZone(ConfigNode node) => node.Read<TimeZoneInfo>("TimeZone", id =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? (zone, null)
            : (null, $"\"{id}\" is not a known time zone (use an IANA id such as Europe/Berlin)"));
}
