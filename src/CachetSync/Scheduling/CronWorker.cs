using CachetSync.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CachetSync.Scheduling;

/// <summary>
/// The long-running mode: one cycle at each occurrence of <see cref="ScheduleSettings.Cron"/> in its time zone
/// (Cronos handles DST gaps and overlaps). Never two cycles at once: an occurrence that finds the previous
/// cycle still running is skipped and logged. On stop, the cycle in flight winds down before the worker ends.
/// </summary>
/// <remarks>
/// A cycle is told how long it has until the next occurrence: that is its budget (<see cref="ProbeSettings.BudgetFor"/>).
/// The wall clock names the occurrences; the wait until the next one runs on the monotonic clock (the timer), so a
/// wall clock stepped while waiting (NTP, a VM restored) costs at most one cycle late or early, never a wait as long
/// as the step: a one-hour step back once held a 10-second schedule for an hour, and its health check turned 503.
/// </remarks>
public sealed class CronWorker(
    ScheduleSettings schedule,
    Func<TimeSpan?, CancellationToken, Task> runCycle,
    TimeProvider time,
    ILogger<CronWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>The scheduling loop; public so tests can drive it directly with a fake clock.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var running = Task.CompletedTask;
        var lastDue = time.GetUtcNow();
        if (schedule.RunAtStart)
        {
            logger.LogInformation("Worker started: schedule \"{Cron}\" ({TimeZone}), first cycle now (RunAtStart), then at {Next:u}",
                schedule.CronText, schedule.TimeZone.Id, Next(lastDue));
            running = RunCycleAsync(lastDue, stoppingToken);
        }
        else
        {
            logger.LogInformation("Worker started: schedule \"{Cron}\" ({TimeZone}), first cycle at {Next:u}",
                schedule.CronText, schedule.TimeZone.Id, Next(lastDue));
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (Next(From(now, lastDue)) is not { } due)
            {
                logger.LogWarning("Schedule \"{Cron}\" has no further occurrence; the worker stops", schedule.CronText);
                break;
            }

            try
            {
                var wait = due - now;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            lastDue = due;
            if (!running.IsCompleted)
            {
                logger.LogWarning("Skipped the cycle due at {Due:u}: the previous cycle is still running", due);
                continue;
            }

            running = RunCycleAsync(due, stoppingToken);
        }

        await running.ConfigureAwait(false);
    }

    /// <summary>A timer fires on time to within this; a wall clock further behind the last occurrence was stepped back.</summary>
    private static readonly TimeSpan StepBack = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where the next occurrence is looked for: after the last one, so a timer firing a hair early never runs one
    /// twice — unless the wall clock is well behind it, stepped back: then from now, or the schedule would wait out the step.
    /// </summary>
    private static DateTimeOffset From(DateTimeOffset now, DateTimeOffset lastDue) => now >= lastDue || lastDue - now > StepBack ? now : lastDue;

    private DateTimeOffset? Next(DateTimeOffset from) => schedule.Cron.GetNextOccurrence(from, schedule.TimeZone);

    private async Task RunCycleAsync(DateTimeOffset due, CancellationToken stoppingToken)
    {
        try
        {
            await runCycle(Next(due) - time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The worker outlives any one bad cycle: the next occurrence tries again.
            logger.LogError(ex, "The cycle due at {Due:u} failed", due);
        }
        catch (OperationCanceledException)
        {
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Next cycle at {Next:u}", Next(From(time.GetUtcNow(), due)));
        }
    }
}
