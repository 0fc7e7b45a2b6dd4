using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.State;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>
/// Turns one server's probe and report count, against Cachet's components, into what the cycle should do with it:
/// the desired status, the action, and — through the <see cref="ChangeGate"/> — damping and manual holds.
/// Pure apart from reading the remembered state, so a server can be planned again once more is known.
/// </summary>
public sealed class ServerPlanner(ChangeGate gate, StateStore state, ILogger logger)
{
    /// <summary>One server's plan and gate; a fault in them (a bug, a value nothing foresaw) stays that server's.</summary>
    /// <returns>The plan, and the memory to keep for its component if the plan goes ahead.</returns>
    public (ServerOutcome Plan, ComponentMemory? Memory) Plan(
        ServerSettings server, ProbeResult probe, ReportCounts? counts, ComponentResolver? components, string? cachetError, bool dryRun, DateTimeOffset now)
    {
        var reports = counts?.Tally(server.ReportKey);
        try
        {
            var desired = probe.Kind is ProbeKind.Stopped or ProbeKind.NotProbed
                ? new StatusDecision(ComponentStatus.Unknown, probe.Detail)
                : ThresholdMapper.Map(probe, reports, server.Thresholds);
            var plan = AgainstCachet(server, probe, reports, desired, components, cachetError, dryRun);
            // Per key, not only for the whole source: one series in two, or a NaN, is no evidence of "no reports".
            if (counts?.Missing(server.ReportKey) is { } missing && server.Thresholds.JudgesReports && plan.HasDesired)
            {
                plan = WithoutReports(plan, missing);
            }

            return ThroughChangeGate(plan, dryRun, now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Server}: could not be planned; left as it is", server.Name);
            var failed = new ServerOutcome(
                server.Name, probe, reports, new StatusDecision(ComponentStatus.Unknown, "not planned"), server.ComponentId, null, SyncAction.Failed, $"not planned: {ex.Message}");
            return (failed, null);
        }
    }

    /// <summary>
    /// The report source could not be read, or not for this server: the decision rests on the probe alone, and says so.
    /// A missing count is no evidence either way, so it never improves a status the counts may have set: that waits for
    /// the counts.
    /// </summary>
    private static ServerOutcome WithoutReports(ServerOutcome plan, string missing)
    {
        var reason = $"{plan.Desired.Reason}; {missing}";
        if (plan is { Current: { } current and not ComponentStatus.Unknown, Action: SyncAction.Updated or SyncAction.DryRun } && plan.Desired.Status < current)
        {
            return plan with
            {
                Desired = new StatusDecision(current, $"{reason}: stays {current} until the counts can be read"),
                Action = SyncAction.Unchanged,
            };
        }

        return plan with { Desired = plan.Desired with { Reason = reason } };
    }

    /// <summary>Lets the change gate (damping, manual holds) turn a planned write into a wait; returns the memory to keep.</summary>
    private (ServerOutcome Plan, ComponentMemory? Memory) ThroughChangeGate(ServerOutcome plan, bool dryRun, DateTimeOffset now)
    {
        if (plan is not { Action: SyncAction.Updated or SyncAction.DryRun or SyncAction.Unchanged, Current: { } current, ComponentId: { } id })
        {
            return (plan, null);
        }

        var decision = gate.Decide(current, plan.Desired.Status, state.Current.For(id), now, plan.UpdatedAt);
        var action = decision.Action == SyncAction.Updated && dryRun ? SyncAction.DryRun : decision.Action;
        if (decision.WriteNotKept || decision.OtherWriter)
        {
            logger.LogWarning("{Server}: {Note}", plan.Server, decision.Note);
        }

        // A decision not to write that fails the cycle (a write Cachet keeps losing, another writer) says why as its error.
        var failed = decision.Action == SyncAction.Failed;
        return (plan with
        {
            Action = action, Error = failed ? decision.Note : plan.Error, Note = failed ? null : decision.Note ?? plan.Note,
            WriteNotKept = decision.WriteNotKept, OtherWriter = decision.OtherWriter,
        }, decision.Memory);
    }

    /// <summary>The plan before the change gate: what the desired status asks of the server's component as Cachet has it.</summary>
    private static ServerOutcome AgainstCachet(
        ServerSettings server,
        ProbeResult probe,
        ServerReports? reports,
        StatusDecision desired,
        ComponentResolver? components,
        string? cachetError,
        bool dryRun)
    {
        var outcome = new ServerOutcome(server.Name, probe, reports, desired, server.ComponentId, null, SyncAction.Skipped, null);
        if (!server.Enabled)
        {
            return outcome with { Action = SyncAction.Disabled };
        }

        if (probe.Kind == ProbeKind.NotProbed)
        {
            // This machine could not probe it (no socket to spare): nothing is known, so nothing is written.
            return outcome with { Action = SyncAction.Failed, Error = probe.Detail };
        }

        if (components is null)
        {
            // Dry run without Cachet: show what would be written, against an unknown current status.
            return cachetError is null && dryRun ? outcome with { Action = SyncAction.DryRun } : outcome;
        }

        var (component, error) = components.Resolve(server);
        if (component is null)
        {
            return outcome with { Action = SyncAction.Failed, Error = error };
        }

        var current = (ComponentStatus)component.Status;
        if (components.MaintenanceOf(component.Id) is { } maintenance && current != desired.Status)
        {
            return outcome with
            {
                ComponentId = component.Id, Current = current, Action = SyncAction.Maintenance, Note = $"under maintenance: {maintenance}",
            };
        }

        var action = probe.Kind == ProbeKind.Stopped ? SyncAction.Skipped
            : current == desired.Status ? SyncAction.Unchanged
            : dryRun ? SyncAction.DryRun
            : SyncAction.Updated;
        return outcome with
        {
            ComponentId = component.Id, Current = current, Action = action, UpdatedAt = component.UpdatedAt,
            // Both Cachets take a status write to a disabled component and show it nowhere: written, and said.
            Note = !component.Enabled && action is SyncAction.Updated or SyncAction.DryRun ? $"{desired.Reason}; the component is disabled in Cachet: its page does not show it" : null,
        };
    }
}
