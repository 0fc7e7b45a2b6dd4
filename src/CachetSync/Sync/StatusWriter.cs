using System.Threading.Channels;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.State;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>
/// Writes the cycle's status changes. With incidents on, Operational → outage opens an incident that also sets
/// the status (one call on Cachet 2.4; on Cachet 3 a status write follows), and the way back to Operational marks
/// that incident Fixed. Never two open incidents for a component: the one CachetSync opened is remembered, and
/// found again by its marker if not.
/// </summary>
public sealed class StatusWriter(ICachetClient cachet, CachetSettings settings, IncidentSettings incidents, ILogger logger)
{
    public const string StoppedBeforeWriting = "stopped before writing";

    /// <summary>
    /// Writes the plans that are writes as they come, at most MaxParallelWrites at a time, and hands every plan back in
    /// server order, each write's replaced by what happened (its memory then knows which incident is open). After a
    /// 401 no further write is sent; after a stop request none starts, and those in flight get one Cachet timeout to
    /// be confirmed.
    /// </summary>
    /// <param name="count">How many servers the cycle has: every index of <paramref name="plans"/> is below it.</param>
    public async Task<IReadOnlyList<PlannedServer>> WriteAllAsync(IAsyncEnumerable<PlannedServer> plans, int count, CancellationToken stopping)
    {
        var done = new PlannedServer[count];
        var tokenRejected = 0;

        // Writes in flight when a stop comes get one Cachet timeout to finish, so none is cut off half-sent.
        using var writeBudget = new CancellationTokenSource();
        await using var grace = stopping.Register(() => writeBudget.CancelAfter(settings.Timeout));

        // Only the writes go to the writers; every other plan is filed as it passes.
        var writes = Channel.CreateUnbounded<PlannedServer>(new UnboundedChannelOptions { SingleWriter = true });
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelWrites };
        var writing = Parallel.ForEachAsync(writes.Reader.ReadAllAsync(CancellationToken.None), options, async (planned, _) =>
        {
            done[planned.Index] = stopping.IsCancellationRequested ? planned.Instead(SyncAction.Skipped, StoppedBeforeWriting)
                : Volatile.Read(ref tokenRejected) == 1 ? planned.Instead(SyncAction.Failed, "not sent: Cachet rejected the API token")
                : await WriteOneAsync(planned, () => Interlocked.Exchange(ref tokenRejected, 1) == 0, writeBudget.Token);
        });
        try
        {
            await foreach (var planned in plans)
            {
                if (planned.IsWrite)
                {
                    writes.Writer.TryWrite(planned);
                }
                else
                {
                    done[planned.Index] = planned;
                }
            }
        }
        finally
        {
            writes.Writer.TryComplete();
            await writing;
        }

        return done;
    }

    /// <param name="firstRejection">Notes that Cachet rejected the token; true the first time, so that is said once.</param>
    private async Task<PlannedServer> WriteOneAsync(PlannedServer planned, Func<bool> firstRejection, CancellationToken budget)
    {
        var plan = planned.Plan;
        try
        {
            var memory = planned.Memory ?? ComponentMemory.Empty;
            var incident = await WriteAsync(plan, memory.OpenIncident, budget);
            logger.LogInformation(
                "{Server}: component #{ComponentId} {Current} -> {Desired} ({Reason})",
                plan.Server, plan.ComponentId, plan.Current, plan.Desired.Status, plan.Desired.Reason);
            return planned with { Memory = memory with { OpenIncident = incident } };
        }
        catch (CachetException ex)
        {
            if (!ex.TokenRejected)
            {
                logger.LogWarning("{Server}: write failed: {Error}", plan.Server, ex.Message);
            }
            else if (firstRejection())
            {
                logger.LogError("Cachet rejected the API token: no status can be written until it is fixed");
            }

            return planned.Instead(SyncAction.Failed, ex.Message);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            const string error = "stopped while writing: Cachet did not confirm in time; the status may or may not be set";
            logger.LogWarning("{Server}: {Error}", plan.Server, error);
            return planned.Instead(SyncAction.Failed, error);
        }
    }

    /// <summary>Writes one component's new status.</summary>
    /// <returns>The incident open for the component after the write, if any.</returns>
    public async Task<int?> WriteAsync(ServerOutcome plan, int? openIncident, CancellationToken cancellationToken)
    {
        var componentId = plan.ComponentId!.Value;
        var desired = plan.Desired.Status;
        if (!incidents.Enabled)
        {
            await cachet.SetStatusAsync(componentId, desired, cancellationToken);
            return openIncident;
        }

        if (plan.Current == ComponentStatus.Operational && IsOutage(desired))
        {
            openIncident = await StillOpenAsync(plan, openIncident, cancellationToken) ?? await FindOpenIncidentAsync(componentId, cancellationToken);
            if (openIncident is null)
            {
                var opened = await cachet.CreateIncidentAsync(
                    new NewIncident(
                        IncidentText.Fill(incidents.Name, plan),
                        IncidentText.MarkedMessage(incidents.Message, plan),
                        CachetIncident.Investigating,
                        incidents.Visible ? 1 : 0,
                        componentId,
                        (int)desired,
                        incidents.Notify),
                    cancellationToken);

                // A status Cachet silently did not take would look, next cycle, like a human's change.
                await cachet.ConfirmStatusAfterIncidentAsync(componentId, desired, cancellationToken);

                return opened;
            }
        }

        await cachet.SetStatusAsync(componentId, desired, cancellationToken);
        if (desired != ComponentStatus.Operational)
        {
            return openIncident;
        }

        if ((await StillOpenAsync(plan, openIncident, cancellationToken) ?? await FindOpenIncidentAsync(componentId, cancellationToken)) is { } incident)
        {
            await cachet.UpdateIncidentAsync(incident, new NewIncidentUpdate(CachetIncident.Fixed, IncidentText.Fill(incidents.FixedMessage, plan)), cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// The incident the state remembers, if Cachet still has it open for this component. A human may have deleted or
    /// closed it, and a state file from another configuration names incidents of other components: such an id is
    /// dropped, never updated, so the outage gets an incident of its own and nobody else's is marked Fixed.
    /// </summary>
    private async Task<int?> StillOpenAsync(ServerOutcome plan, int? remembered, CancellationToken cancellationToken)
    {
        if (remembered is not { } id)
        {
            return null;
        }

        var incident = await cachet.ReadIncidentAsync(id, cancellationToken);
        var why = incident is null ? "Cachet has no such incident (deleted?)"
            : incident.ComponentId != plan.ComponentId ? $"it is about component #{incident.ComponentId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}"
            : incident.Status == CachetIncident.Fixed ? "it is already Fixed"
            : null;
        if (why is null)
        {
            return id;
        }

        logger.LogInformation("{Server}: the remembered incident #{Incident} is not used: {Why}", plan.Server, id, why);
        return null;
    }

    private static bool IsOutage(ComponentStatus status) => status is ComponentStatus.PartialOutage or ComponentStatus.MajorOutage;

    private async Task<int?> FindOpenIncidentAsync(int componentId, CancellationToken cancellationToken)
    {
        var marker = IncidentText.Marker(componentId);
        var incidentsOfComponent = await cachet.ReadIncidentsAsync(componentId, cancellationToken);
        return incidentsOfComponent
            .Where(incident => incident.Status != CachetIncident.Fixed && incident.Message?.Contains(marker, StringComparison.Ordinal) == true)
            .Select(incident => (int?)incident.Id)
            .Max();
    }
}
