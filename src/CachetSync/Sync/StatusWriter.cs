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
/// <remarks>
/// Every write is read back (one GET): Cachet's answer to a write says what it did with the request, not what it keeps
/// — a cache or replica behind, a plugin reverting, a proxy answering for it. A write the read-back does not show was
/// not kept: failed, and tried again with a back-off. One read back as kept and changed later is someone else's doing,
/// never a lost write. Cachet's change stamp alone could not tell these apart: one seen moving on every read, one
/// never moving on a write (2.4 stamps whole seconds), each made a lost write look like a human's edit or the reverse.
/// </remarks>
/// <param name="now">When the cycle started: the back-off of a write not kept counts from it.</param>
/// <param name="stampStill">Notes that a write did not move the component's change stamp; true the first time, so that is said once.</param>
/// <param name="lockedDatabase">Once this Cachet's database refused a parallel write, writes go one at a time.</param>
public sealed class StatusWriter(
    ICachetClient cachet, CachetSettings settings, IncidentSettings incidents, ILogger logger, DateTimeOffset now, Func<bool> stampStill,
    LockedDatabase lockedDatabase)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

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
                : await WriteInTurnAsync(planned, () => Interlocked.Exchange(ref tokenRejected, 1) == 0, writeBudget.Token);
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

    /// <summary>
    /// Writes in parallel until this Cachet's database refuses one (<see cref="LockedDatabase"/>); from then on one at
    /// a time, the refused ones again in their turn (as many times as <c>Resilience.MaxRetries</c>, a retry delay apart).
    /// </summary>
    private async Task<PlannedServer> WriteInTurnAsync(PlannedServer planned, Func<bool> firstRejection, CancellationToken budget)
    {
        // Every send counts, the first (in parallel) too: the refused write is sent again at most MaxRetries times.
        var sent = 0;
        if (!lockedDatabase.Seen && await WriteOneAsync(planned, firstRejection, budget, lockedIsFinal: ++sent > settings.MaxRetries) is { } written)
        {
            return written;
        }

        if (lockedDatabase.FirstSlowDown())
        {
            logger.LogWarning(
                "Cachet refused a write while others were under way (HTTP 400 with no details: its database locked, as a Cachet on SQLite does); from now on this process writes one at a time");
        }

        for (var inTurn = 0; ; inTurn++)
        {
            if (inTurn > 0)
            {
                try
                {
                    await Task.Delay(settings.RetryDelay, budget);
                }
                catch (OperationCanceledException)
                {
                    return planned.Instead(SyncAction.Failed, "stopped before writing again: Cachet's database had refused the write");
                }
            }

            await _oneAtATime.WaitAsync(CancellationToken.None);
            try
            {
                if (await WriteOneAsync(planned, firstRejection, budget, lockedIsFinal: ++sent > settings.MaxRetries) is { } again)
                {
                    return again;
                }
            }
            finally
            {
                _oneAtATime.Release();
            }
        }
    }

    /// <param name="firstRejection">Notes that Cachet rejected the token; true the first time, so that is said once.</param>
    /// <param name="lockedIsFinal">Whether a write Cachet's database refused fails; else null: to be written again in turn.</param>
    private async Task<PlannedServer?> WriteOneAsync(PlannedServer planned, Func<bool> firstRejection, CancellationToken budget, bool lockedIsFinal)
    {
        var plan = planned.Plan;
        try
        {
            var memory = planned.Memory ?? ComponentMemory.Empty;
            var (incident, readBack) = await WriteAsync(plan, memory.OpenIncident, budget);
            memory = memory with { OpenIncident = incident };
            var shown = readBack ?? await ReadBackAsync(plan, budget);
            if (shown is not null && shown.Status != (int)plan.Desired.Status)
            {
                var notKept = ChangeGate.NotKeptAgain(memory, now);
                var error = $"Cachet confirmed writing {plan.Desired.Status} but a read right after shows {(ComponentStatus)shown.Status}: not kept ({notKept.WritesNotKept} in a row)"
                    + (notKept.RetryAfter > now ? $"; written again after {notKept.RetryAfter:u}" : "; written again next cycle");
                logger.LogWarning("{Server}: {Error}", plan.Server, error);
                var failed = planned.Instead(SyncAction.Failed, error);
                return failed with { Plan = failed.Plan with { WriteNotKept = true }, Memory = notKept };
            }

            var stampMoved = shown?.UpdatedAt is not null && plan.UpdatedAt is not null && shown.UpdatedAt != plan.UpdatedAt;
            if (shown is not null && !stampMoved && stampStill())
            {
                logger.LogInformation(
                    "Cachet's change stamp (updated_at) of component #{ComponentId} did not move with CachetSync's write (whole seconds, or none): a lost write is told from another's edit by each write's read-back alone",
                    plan.ComponentId);
            }

            logger.LogInformation(
                "{Server}: component #{ComponentId} {Current} -> {Desired} ({Reason})",
                plan.Server, plan.ComponentId, plan.Current, plan.Desired.Status, plan.Desired.Reason);
            return planned with { Memory = ChangeGate.Written(memory, plan.Desired.Status, stampMoved) };
        }
        catch (CachetException ex) when (ex.DatabaseLocked && !lockedIsFinal)
        {
            lockedDatabase.Note();
            logger.LogDebug("{Server}: Cachet's database refused the write ({Error}): written again in turn", plan.Server, ex.Message);
            return null;
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

    /// <summary>The component as Cachet shows it right after the write; null when it cannot be read (the write's own answer stands).</summary>
    private async Task<CachetComponent?> ReadBackAsync(ServerOutcome plan, CancellationToken budget)
    {
        try
        {
            return await cachet.ReadComponentAsync(plan.ComponentId!.Value, budget);
        }
        catch (CachetException ex) when (!ex.TokenRejected)
        {
            logger.LogWarning("{Server}: the write was confirmed, but reading it back failed ({Error}): taken as kept", plan.Server, ex.Message);
            return null;
        }
    }

    /// <summary>Writes one component's new status.</summary>
    /// <returns>The incident open for the component after the write, if any; the component as read after it, if it was.</returns>
    private async Task<(int? Incident, CachetComponent? ReadBack)> WriteAsync(ServerOutcome plan, int? openIncident, CancellationToken cancellationToken)
    {
        var componentId = plan.ComponentId!.Value;
        var desired = plan.Desired.Status;
        if (!incidents.Enabled)
        {
            await cachet.SetStatusAsync(componentId, desired, cancellationToken);
            return (openIncident, null);
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
                return (opened, await cachet.ConfirmStatusAfterIncidentAsync(componentId, desired, cancellationToken));
            }
        }

        await cachet.SetStatusAsync(componentId, desired, cancellationToken);
        if (desired != ComponentStatus.Operational)
        {
            return (openIncident, null);
        }

        if ((await StillOpenAsync(plan, openIncident, cancellationToken) ?? await FindOpenIncidentAsync(componentId, cancellationToken)) is { } incident)
        {
            await cachet.UpdateIncidentAsync(incident, new NewIncidentUpdate(CachetIncident.Fixed, IncidentText.Fill(incidents.FixedMessage, plan)), cancellationToken);
        }

        return (null, null);
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
