using System.Diagnostics;
using CachetSync.Configuration;
using CachetSync.Thresholds;
using Microsoft.Extensions.Logging;

namespace CachetSync.Probing;

/// <summary>
/// Probes every server concurrently, at most <see cref="ProbeSettings.MaxConcurrency"/> at a time — fewer when the
/// open-file limit leaves room for fewer sockets. A stop request cancels the probes in flight; their results (and
/// those never started) say <see cref="ProbeKind.Stopped"/>.
/// </summary>
/// <remarks>
/// Probes are not all started at once (see <see cref="ProbeLaunch"/>): each one in flight costs this process about
/// 15 KiB (the HTTP connection's two 4 KiB buffers, the socket, the request), and a burst of thousands of connections
/// overflows the listen backlog of the servers behind one address, which then look down. So only a window of
/// <i>fresh</i> probes runs at a time, as wide as this machine keeps time with (<see cref="LaunchWindow"/>); a probe
/// stops counting as fresh when it answers or has waited a little, so a hanging server holds back nobody. The cycle
/// is as long as the fleet needs and never longer than its budget (the schedule, <c>Probe.CycleBudget</c>): a fleet
/// too big for one burst is probed in several, and one too big for the budget is told so, with the remedy.
/// <para>
/// This machine's own load is never a server's latency: a probe starts only while this process keeps its
/// timers (<see cref="ProbeLaunch.LagLimit"/>), lookups and handshakes take turns (<see cref="SetupGate"/>) outside
/// the probe's clock, and an answer judged worse by its latency alone gets a <see cref="SecondLook"/> once the burst
/// is over. What could not be probed fairly in time is <see cref="ProbeKind.NotProbed"/>, "not judged", and left as it is.
/// </para>
/// </remarks>
public sealed class ServerProber(
    HttpProber http, TcpProber tcp, IcmpProber icmp, SetupGate gate, ProbeSettings settings, TimeProvider time, ILogger<ServerProber> logger,
    ProbeLaunch? launch = null, Func<SchedulerLag>? lagMeter = null)
{
    private readonly int _concurrency = ConcurrencyWithin(settings, logger);
    private readonly ProbeLaunch _launch = launch ?? ProbeLaunch.Default;
    private readonly Func<SchedulerLag> _lagMeter = lagMeter ?? SchedulerLag.Start;

    /// <param name="probed">Told each result (with the server's index) as soon as it is in, for work that need not wait for the slowest.</param>
    /// <param name="budget">
    /// How long the probes may take, second looks too: the cycle's budget (<see cref="ProbeSettings.BudgetFor"/>);
    /// 1.5 timeouts when not given (the guard's, the canaries' and a witness's few probes). Probes start in the order given.
    /// </param>
    /// <returns>One result per server, in the order given.</returns>
    public async Task<ProbeResult[]> ProbeAllAsync(
        IReadOnlyList<ServerSettings> servers, CancellationToken cancellationToken, Action<int, ProbeResult>? probed = null, TimeSpan? budget = null)
    {
        var results = new ProbeResult[servers.Count];
        using var lag = _lagMeter();
        using var inFlight = new SemaphoreSlim(_concurrency);
        var window = new LaunchWindow(_launch.FirstWindow, _concurrency, _launch.LagLimit);
        var clock = Stopwatch.StartNew();
        var bound = budget ?? settings.Timeout * 1.5;
        var secondLook = new SecondLook(
            (i, first) => LookAgainAsync(servers[i], first, bound - clock.Elapsed, lag, window, cancellationToken), Finish,
            () => lag.Now <= _launch.LagLimit && gate.Idle, _concurrency);
        // The last moment a probe may start and still have its whole timeout within the bound.
        var latestStart = bound - settings.Timeout;
        var tooBusy = 0;
        var outOfBudget = 0;
        var running = new List<Task>(Math.Min(servers.Count, _concurrency * 4));
        var index = 0;
        try
        {
            for (; index < servers.Count && clock.Elapsed <= latestStart; index++)
            {
                if (!await inFlight.WaitAsync(Left(), cancellationToken))
                {
                    break;
                }

                if (!await window.WaitAsync(Left(), cancellationToken))
                {
                    inFlight.Release();
                    break;
                }

                if (!await lag.WaitUntilAtMostAsync(_launch.LagLimit, Left(), cancellationToken))
                {
                    inFlight.Release();
                    window.Release(keptTime: false);
                    tooBusy = servers.Count - index;
                    for (; index < servers.Count; index++)
                    {
                        Finish(index, TooBusyToStart(lag.Now, latestStart));
                    }

                    break;
                }

                running.Add(ProbeAndReleaseAsync(index, Left(), bound - clock.Elapsed));
                if (running.Count >= running.Capacity)
                {
                    // At 100 000 servers the finished ones would be kept to the end for nothing.
                    running.RemoveAll(task => task.IsCompleted);
                }
            }

            outOfBudget = servers.Count - index;
            for (; index < servers.Count; index++)
            {
                Finish(index, ProbeResult.NotJudged(TimeSpan.Zero,
                    $"{ProbeResult.NoTurnInBudget} ({bound.TotalSeconds:0.#} s, its probes ending by then): the fleet needs more than one cycle at this machine's pace"));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            for (; index < servers.Count; index++)
            {
                Finish(index, Stopped());
            }
        }

        secondLook.Launched();
        await Task.WhenAll(running);
        await secondLook.CompleteAsync();
        LogLocalFailures(results);
        if (secondLook.Count > 0)
        {
            logger.LogInformation(
                "{Count} answers this machine's own burst may have made slow were probed again once the burst was over (worst scheduler lag {Lag:0} ms)",
                secondLook.Count, lag.WorstBetween(0, Stopwatch.GetTimestamp()).TotalMilliseconds);
        }

        if (tooBusy > 0)
        {
            logger.LogWarning(
                "{Count} probes were not started: this machine ran more than {Limit:0} ms late (its CPU busy) until {Latest:0.#} s into the cycle, too late for a fair probe. Their statuses are left as they are",
                tooBusy, _launch.LagLimit.TotalMilliseconds, latestStart.TotalSeconds);
        }

        if (outOfBudget > 0)
        {
            Outgrown(servers.Count, outOfBudget, bound, results);
        }

        return results;

        TimeSpan Left() => latestStart - clock.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

        async Task ProbeAndReleaseAsync(int i, TimeSpan turnWithin, TimeSpan endWithin)
        {
            var result = await InWindowAsync(window, lag, Stopwatch.GetTimestamp(), ProbeOneAsync(servers[i], cancellationToken, turnWithin, endWithin), holdsTurn: true, CancellationToken.None);
            inFlight.Release();

            if (ConnectedTooLateToJudge(result))
            {
                Finish(i, ProbeResult.NotJudged(result.Latency, $"{result.Detail}, too late in the cycle for a whole timeout after it"));
                return;
            }

            if (WorseByLatency(result, servers[i]))
            {
                // Not passed on yet: the second look decides.
                results[i] = result;
                secondLook.Add(i, result);
                return;
            }

            Finish(i, result);
        }

        void Finish(int i, ProbeResult result)
        {
            results[i] = result;
            probed?.Invoke(i, result);
        }
    }

    /// <summary>
    /// A probe and the launch window: its turn (if it holds one) is held until it answers or has waited
    /// <see cref="ProbeLaunch.Patience"/>, then given back saying whether this process kept time; a connect that waited
    /// out a SYN retransmission cuts the window either way.
    /// </summary>
    /// <param name="startedAt">When the probe started (<see cref="Stopwatch.GetTimestamp"/>).</param>
    private async Task<ProbeResult> InWindowAsync(
        LaunchWindow window, SchedulerLag lag, long startedAt, Task<ProbeResult> probe, bool holdsTurn, CancellationToken cancellationToken)
    {
        if (holdsTurn)
        {
            await ((Task)probe.WaitAsync(_launch.Patience, cancellationToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            window.Release(keptTime: lag.Now <= _launch.LagLimit);
        }

        var result = await probe;
        if (result.ConnectedAfter >= HttpProber.SynRetransmission)
        {
            window.Congested(startedAt);
        }

        return result;
    }

    /// <summary>
    /// The fleet needed more than the budget: says how much it needed, measured, and what to do. A probe holds one of
    /// <see cref="_concurrency"/> slots for as long as it takes, so the fleet needs about (the probes' summed time) ÷
    /// concurrency, the summed time estimated from the probes that ran (docs/performance.md has the arithmetic).
    /// </summary>
    private void Outgrown(int servers, int notStarted, TimeSpan budget, ProbeResult[] results)
    {
        var ran = results.Where(result => result is { Kind: not ProbeKind.NotProbed and not ProbeKind.Stopped }).ToList();
        var perProbe = ran.Count > 0 ? ran.Average(result => result.Latency.TotalSeconds) : settings.Timeout.TotalSeconds;
        var need = TimeSpan.FromSeconds((perProbe * servers / _concurrency) + settings.Timeout.TotalSeconds);
        var shards = (int)Math.Ceiling(need / budget);
        logger.LogWarning(
            "The fleet outgrew this cycle: {NotStarted} of {Servers} servers had no turn within its {Budget:0.#} s budget (Probe.CycleBudget, or the schedule) and are not judged. "
            + "It needs about {Need:0} s here ({Servers} servers × {PerProbe:0.00} s a probe on average ÷ {Concurrency} at a time, + one timeout). "
            + "Split it with --shard i/{Shards} (an Indexed Job), lengthen the schedule, or raise Probe.MaxConcurrency with ulimit -n",
            notStarted, servers, budget.TotalSeconds, need.TotalSeconds, servers, perProbe, _concurrency, Math.Max(2, shards));
    }

    /// <param name="turnWithin">How long an HTTP probe may wait for its turn at the lookup and handshake (see <see cref="SetupGate"/>).</param>
    /// <param name="endWithin">What is left of the cycle's bound: after a late connect, the server's whole timeout counts from its connection within it.</param>
    private async Task<ProbeResult> ProbeOneAsync(ServerSettings server, CancellationToken cancellationToken, TimeSpan turnWithin, TimeSpan endWithin)
    {
        try
        {
            var result = await AttemptAsync(server, cancellationToken, turnWithin, endWithin: endWithin);
            return settings.Retries == 0 ? result : await ConfirmAsync(server, result, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Stopped();
        }
    }

    /// <summary>
    /// The second look (<see cref="SecondLook"/>), without retries and not much longer than the first answer took: a
    /// server that does not answer within 1.25 × that is at least as slow as it was, and the first answer stands —
    /// unless this machine's lag meanwhile explains that answer's slowness too. Never past the cycle's bound
    /// (<paramref name="left"/>): a look cut short by it without an answer confirms nothing, and the server is not judged.
    /// </summary>
    /// <remarks>
    /// Second looks take the launch window's turns too: thousands of them at once (at 100 000 servers, every 2-second
    /// server has one) were a burst of their own, overflowed the farm's listen queue and measured fast servers slow.
    /// </remarks>
    private async Task<(ProbeResult Result, bool Lagged)> LookAgainAsync(
        ServerSettings server, ProbeResult first, TimeSpan left, SchedulerLag lag, LaunchWindow window, CancellationToken cancellationToken)
    {
        try
        {
            var waited = Stopwatch.StartNew();
            var turn = await window.WaitAsync(left, cancellationToken);
            left -= waited.Elapsed;
            var from = Stopwatch.GetTimestamp();
            var wanted = first.Latency * 1.25 > settings.Timeout ? settings.Timeout : first.Latency * 1.25;
            var cut = wanted < left ? wanted : left > TimeSpan.Zero ? left : TimeSpan.Zero;
            var look = AttemptAsync(server, cancellationToken, turnWithin: cut, timeout: cut);
            var result = await InWindowAsync(window, lag, from, look, holdsTurn: turn, cancellationToken);

            if (result.Kind == ProbeKind.Timeout && cut < wanted)
            {
                return (ProbeResult.NotJudged(result.Latency,
                    $"slow ({first.Latency.TotalMilliseconds:0} ms) while this machine's burst of probes was under way, and too little of the cycle left ({cut.TotalSeconds:0.#} s) to look again"), false);
            }

            var lagMeanwhile = lag.WorstBetween(from, Stopwatch.GetTimestamp());
            return (result, SlowOnlyByLag(result.Kind == ProbeKind.Timeout ? first : result, server, lagMeanwhile));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (Stopped(), false);
        }
    }

    /// <summary>Judged worse than it would be had this process not run late meanwhile (a 503 is as bad either way).</summary>
    private static bool SlowOnlyByLag(ProbeResult result, ServerSettings server, TimeSpan lag) =>
        result.Kind == ProbeKind.Ok && lag > TimeSpan.Zero
        && Judged(result, server) > Judged(result with { Latency = result.Latency > lag ? result.Latency - lag : TimeSpan.Zero }, server);

    /// <summary>
    /// Timed out after a connect that waited out a SYN retransmission (<see cref="HttpProber.SynRetransmission"/>),
    /// and so late that the cycle's bound left the server less than a whole timeout from its connection to answer
    /// (see <see cref="SecondLook"/>). One that had its whole timeout and was silent is a timeout like any other; so is
    /// a server that accepts at once and never answers: it hangs.
    /// </summary>
    private bool ConnectedTooLateToJudge(ProbeResult result) =>
        result.Kind == ProbeKind.Timeout && result.ConnectedAfter is { } connected && connected >= HttpProber.SynRetransmission
        && result.Latency - connected < settings.Timeout - TimerSlack;

    /// <summary>A deadline's timer may fire a few milliseconds before the stopwatch says it is due (seen: 5 ms).</summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(50);

    /// <summary>Judged worse than the same answer would be had it come at once: its latency alone costs it (see <see cref="SecondLook"/>).</summary>
    private static bool WorseByLatency(ProbeResult result, ServerSettings server) =>
        result.Kind == ProbeKind.Ok && Judged(result, server) > Judged(result with { Latency = TimeSpan.Zero }, server);

    private static ProbeResult TooBusyToStart(TimeSpan lag, TimeSpan latestStart) =>
        ProbeResult.NotJudged(TimeSpan.Zero,
            $"this machine ran {lag.TotalMilliseconds:0} ms late (its CPU busy) until {latestStart.TotalSeconds:0.#} s into the cycle, too late to start a fair probe");

    private async Task<ProbeResult> AttemptAsync(
        ServerSettings server, CancellationToken cancellationToken, TimeSpan? turnWithin = null, TimeSpan? timeout = null, TimeSpan? endWithin = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return server.IsTcp ? await tcp.ProbeAsync(server.Url, cancellationToken, timeout)
            : server.IsIcmp ? await icmp.ProbeAsync(server.Url, cancellationToken)
            : await http.ProbeAsync(
                server.Url, server.VerifyTls ?? settings.VerifyTls, server.Probe ?? settings.Request, cancellationToken, turnWithin, timeout, endWithin);
    }

    /// <summary>
    /// <c>Probe.Retries</c>: a probe that would cost the server its Operational status is repeated after
    /// <c>RetryDelay</c>, and only a failure that repeats counts — one answer that is fine clears it. When every try
    /// failed, the mildest of them is what the server is blamed for: that much every try confirmed.
    /// </summary>
    private async Task<ProbeResult> ConfirmAsync(ServerSettings server, ProbeResult first, CancellationToken cancellationToken)
    {
        if (first.Kind is ProbeKind.NotProbed || Judged(first, server) == ComponentStatus.Operational)
        {
            return first;
        }

        var mildest = first;
        var tries = settings.Retries + 1;
        for (var attempt = 2; attempt <= tries; attempt++)
        {
            await Task.Delay(settings.RetryDelay, time, cancellationToken);
            var again = await AttemptAsync(server, cancellationToken);
            if (Judged(again, server) == ComponentStatus.Operational)
            {
                return again with { Attempts = attempt, Detail = $"{again.Detail} (try {attempt}; before: {first.Detail})" };
            }

            mildest = Judged(again, server) <= Judged(mildest, server) ? again : mildest;
        }

        return mildest with { Attempts = tries, Detail = $"{mildest.Detail} (failed {tries} of {tries} tries)" };
    }

    /// <summary>The status the probe alone would earn (report counts are not the server's answer, so not retried).</summary>
    private static ComponentStatus Judged(ProbeResult result, ServerSettings server) =>
        ThresholdMapper.Map(result, reports: null, server.Thresholds).Status;

    private static ProbeResult Stopped() => ProbeResult.Failed(ProbeKind.Stopped, TimeSpan.Zero, "stopped before the probe finished");

    /// <summary>How the details of probes this machine's own kernel refused begin (<see cref="OwnRoute"/>, <see cref="ProbeFailureClassifier"/>).</summary>
    private const string OwnKernel = "not probed: this machine's own";

    private void LogLocalFailures(ProbeResult[] results)
    {
        // ICMP that may not be sent, and probes measured only under lag, have messages of their own.
        var own = results.Count(result => result.Kind == ProbeKind.NotProbed && result.Detail.StartsWith(OwnKernel, StringComparison.Ordinal));
        if (own > 0)
        {
            logger.LogWarning("{Count} probes were refused by this machine's own routing or firewall before a packet left. Their statuses are left as they are", own);
        }

        var local = results.Count(result => result.Kind == ProbeKind.NotProbed && result.Detail != IcmpProber.NotPermitted && !result.IsNotJudged
                                            && !result.Detail.StartsWith(OwnKernel, StringComparison.Ordinal));
        if (local > 0)
        {
            logger.LogWarning(
                "{Count} probes could not be made: this machine ran out of sockets or open files (limit {Limit} in flight). Their statuses are left as they are",
                local, _concurrency);
        }
    }

    private static int ConcurrencyWithin(ProbeSettings settings, ILogger logger)
    {
        var softLimit = OpenFileLimit.RaiseToHardLimit();
        var budget = OpenFileLimit.ProbeBudget(settings.MaxConcurrency, softLimit, OpenFileLimit.OpenNow());
        if (budget < settings.MaxConcurrency)
        {
            logger.LogWarning(
                "Probe.MaxConcurrency {Configured} lowered to {Budget}: the open-file limit is {Limit} (ulimit -n). Raise it for cycles that wait out hanging servers together",
                settings.MaxConcurrency, budget, softLimit);
        }

        return budget;
    }
}
