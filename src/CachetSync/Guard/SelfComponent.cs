using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Sync;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Guard;

/// <summary>
/// <c>Guard.SelfComponentId</c>: a Cachet component that shows CachetSync's own health, so that when it cannot
/// see, members read "monitoring degraded" instead of a false outage of the servers. Operational while cycles
/// succeed; Performance Issues when a mass change was held, the report source could not be read or writes failed;
/// Major Outage when no canary answered. Written only when it changes, like every other component.
/// </summary>
public sealed class SelfComponent(GuardSettings settings, ILogger<SelfComponent> logger)
{
    public async Task UpdateAsync(
        IReadOnlyList<ServerOutcome> plans, GuardReport? guard, string? reportsUnavailable, CachetRead cachetRead, bool dryRun, CancellationToken stopping)
    {
        if (settings.SelfComponentId is not { } id || cachetRead is not { Components: { } components, Client: { } cachet } || dryRun || stopping.IsCancellationRequested)
        {
            return;
        }

        var (status, why) = Health(plans, guard, reportsUnavailable);
        if (components.Components.FirstOrDefault(component => component.Id == id) is not { } self)
        {
            logger.LogWarning("Guard.SelfComponentId {Id} is not a component of this Cachet: CachetSync's own health is shown nowhere", id);
            return;
        }

        if ((ComponentStatus)self.Status == status)
        {
            return;
        }

        try
        {
            await cachet.SetStatusAsync(id, status, stopping);
            logger.LogInformation("Self component #{Id} ({Name}): {Current} -> {Desired} ({Reason})", id, self.Name, (ComponentStatus)self.Status, status, why);
        }
        catch (CachetException ex)
        {
            logger.LogWarning("Self component #{Id} could not be set to {Desired}: {Error}", id, status, ex.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>What CachetSync's own cycle says of itself: blind is worst, a partial view is degraded.</summary>
    public static (ComponentStatus Status, string Reason) Health(IReadOnlyList<ServerOutcome> plans, GuardReport? guard, string? reportsUnavailable) =>
        guard is { Held: true, Cause: GuardCause.Canaries } ? (ComponentStatus.MajorOutage, "no canary answered: CachetSync cannot see the servers")
        : guard is { Held: true } ? (ComponentStatus.PerformanceIssues, "a mass change is held until it is confirmed")
        : plans.Any(plan => plan.Action == SyncAction.Unconfirmed)
            ? (ComponentStatus.PerformanceIssues, "this machine's path to some servers is cut (a witness sees them healthy)")
        : reportsUnavailable is not null ? (ComponentStatus.PerformanceIssues, "the report source could not be read")
        : plans.Any(plan => plan.Action == SyncAction.Failed) ? (ComponentStatus.PerformanceIssues, "some statuses could not be written")
        : (ComponentStatus.Operational, "the cycle succeeded");
}
