using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Sync;
using CachetSync.Thresholds;
using CachetSync.Witness;
using Microsoft.Extensions.Logging;

namespace CachetSync.Guard;

/// <summary>
/// One machine cannot tell "my path to them is cut" from "they are down", so a server whose probe would make it worse
/// is probed again from the <c>Guard.Witnesses</c> before it is written: every such server of the cycle in one
/// question to each witness, once the last probe is in. Then, per server, over the witnesses that answered for it:
/// <list type="bullet">
/// <item>all see it worse too: written this cycle, the mass-change guard passed (<see cref="PlannedServer.Confirmed"/>), as
/// mapped or as the mildest witness saw it, whichever is milder;</item>
/// <item>all see it healthy: not written (<see cref="SyncAction.Unconfirmed"/>): this machine's path to it is cut;</item>
/// <item>some see it worse, some healthy: at most Partial Outage — a server part of the world cannot reach is a
/// partial outage for its members;</item>
/// <item>none answered for it: the mass-change guard decides, as without witnesses.</item>
/// </list>
/// A worsening by members' reports alone is not asked about (a witness has no reports), and improvements never wait.
/// </summary>
public sealed class WitnessCheck(GuardSettings settings, WitnessClient client, ILogger logger)
{
    public bool Asks => settings.Enabled && settings.Witnesses.Count > 0;

    /// <summary>This cycle's pass: the step its plans take between the planner and the mass-change guard.</summary>
    public WitnessPass Pass(IReadOnlyList<ServerSettings> servers, CancellationToken stopping) => new(this, servers, stopping);

    /// <summary>Asks the witnesses about the held plans and settles each by what they saw.</summary>
    /// <returns>The plans, settled; and what the witnesses said, for the summary (null when nobody was asked).</returns>
    public async Task<(IReadOnlyList<PlannedServer> Plans, string? Said)> SettleAsync(
        IReadOnlyList<PlannedServer> worsening, IReadOnlyList<ServerSettings> servers, CancellationToken stopping)
    {
        if (worsening.Count == 0 || stopping.IsCancellationRequested)
        {
            return (worsening, null);
        }

        var replies = await client.AskAsync(worsening.Select(planned => servers[planned.Index].Name).ToList(), stopping);
        var answered = replies.Where(reply => reply.Seen is not null).Select(reply => reply.Witness).ToList();
        var said = (answered.Count > 0 ? $"asked about {worsening.Count} servers; answered: {string.Join(", ", answered)}" : $"asked about {worsening.Count} servers; no witness could be asked")
                   + string.Concat(replies.Where(reply => reply.NotAsked is not null).Select(reply => $"; {reply.Witness} {reply.NotAsked}"));
        logger.LogInformation("Witnesses: {Said}", said);
        return (worsening.Select(planned => Settle(planned, servers[planned.Index], replies)).ToList(), said);
    }

    /// <summary>A plan to hold for the witnesses: a write to a worse status that the probe alone asks for.</summary>
    public bool Holds(PlannedServer planned, IReadOnlyList<ServerSettings> servers) =>
        MassChangeGuard.Worsens(planned.Plan)
        && ThresholdMapper.Map(planned.Plan.Probe, null, servers[planned.Index].Thresholds).Status > Shown(planned.Plan.Current);

    private static PlannedServer Settle(PlannedServer planned, ServerSettings server, IReadOnlyList<WitnessReply> replies)
    {
        var shown = Shown(planned.Plan.Current);
        var seen = replies
            .Select(reply => (reply.Witness, Probe: reply.Seen?.GetValueOrDefault(server.Name)))
            .Where(view => view.Probe is { Status: not null })
            .Select(view => (view.Witness, Probe: view.Probe!, Worse: (ComponentStatus)view.Probe!.Status!.Value > shown))
            .ToList();
        if (seen.Count == 0)
        {
            return planned with { Plan = planned.Plan with { Note = Joined(planned.Plan.Note, "no witness answered for it") } };
        }

        var healthy = seen.Where(view => !view.Worse).ToList();
        var worse = seen.Where(view => view.Worse).ToList();
        if (healthy.Count == 0)
        {
            // What every vantage point agrees on: a timeout here and a slow answer there is a slow server, not a dead one.
            var agreed = (ComponentStatus)Math.Min((int)planned.Plan.Desired.Status, worse.Min(view => view.Probe.Status!.Value));
            var confirmed = $"confirmed by {string.Join(", ", worse.Select(view => $"{view.Witness} ({Described(view.Probe)})"))}";
            var seenAlike = planned.Plan with { Note = Joined(planned.Plan.Note, confirmed) };
            if (agreed < seenAlike.Desired.Status)
            {
                seenAlike = seenAlike with { Desired = new StatusDecision(agreed, $"{seenAlike.Desired.Reason}; {agreed} as the witnesses see it") };
            }

            return planned with { Confirmed = true, Plan = seenAlike };
        }

        if (worse.Count == 0)
        {
            var why = $"held: healthy from {string.Join(", ", healthy.Select(view => $"{view.Witness} ({Described(view.Probe)})"))}: this machine's path to it is cut";
            return planned.Instead(SyncAction.Unconfirmed, error: null, why) with { Memory = null };
        }

        // Worse from here and from some witnesses, healthy from others: at most a partial outage.
        var partial = (ComponentStatus)Math.Min((int)planned.Plan.Desired.Status, (int)ComponentStatus.PartialOutage);
        var split = $"worse from here and {string.Join(", ", worse.Select(view => view.Witness))}, healthy from {string.Join(", ", healthy.Select(view => view.Witness))}";
        var plan = planned.Plan with
        {
            Desired = new StatusDecision(partial, $"{planned.Plan.Desired.Reason}; {split}: a partial outage"),
            Action = partial > shown ? planned.Plan.Action : SyncAction.Unchanged,
            Note = Joined(planned.Plan.Note, split),
        };
        return planned with { Confirmed = true, Plan = plan };
    }

    private static string Described(WitnessProbe probe) =>
        probe.StatusCode is { } code ? $"HTTP {code} in {probe.LatencyMs:0} ms" : $"{probe.Kind}, {probe.Detail}";

    private static string Joined(string? note, string more) => string.IsNullOrEmpty(note) ? more : $"{note}; {more}";

    private static ComponentStatus Shown(ComponentStatus? current) => current is null or ComponentStatus.Unknown ? ComponentStatus.Operational : current.Value;
}
