namespace CachetSync.Cachet;

/// <summary>
/// A Cachet 2.x maintenance schedule, as far as CachetSync reads it. Status: 0 upcoming, 1 in progress, 2 complete;
/// <see cref="Components"/> are the schedule's component rows (schedule_components).
/// </summary>
public sealed record CachetSchedule(int Id, string? Name, int Status, string? CompletedAt, IReadOnlyList<CachetScheduleComponent>? Components)
{
    public const int InProgress = 1;

    public bool IsInProgress => Status == InProgress && string.IsNullOrEmpty(CompletedAt);
}

/// <summary>One row of a schedule's components: which component the maintenance covers.</summary>
public sealed record CachetScheduleComponent(int ComponentId);
