namespace CachetSync.Cachet;

/// <summary>
/// A Cachet 2.x maintenance schedule, as far as CachetSync reads it. Status: 0 upcoming, 1 in progress, 2 complete;
/// <see cref="Components"/> are the schedule's component rows (schedule_components).
/// </summary>
/// <remarks>
/// Only the status says whether a window is open: a running 2.4 answers an empty <c>completed_at</c> with the time of
/// the request (as captured from a running 2.4.1), so it is never empty.
/// </remarks>
public sealed record CachetSchedule(int Id, string? Name, int Status, IReadOnlyList<CachetScheduleComponent>? Components)
{
    public const int InProgress = 1;

    public bool IsInProgress => Status == InProgress;
}

/// <summary>One row of a schedule's components: which component the maintenance covers.</summary>
public sealed record CachetScheduleComponent(int ComponentId);
