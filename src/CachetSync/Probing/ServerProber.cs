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
/// <i>fresh</i> probes runs at a time; a probe stops counting as fresh when it answers or has waited a little, so a
/// hanging server holds back nobody. And however slow the answers, every probe has started within a tenth of the
/// timeout, so the cycle stays about one timeout long.
/// </remarks>
public sealed class ServerProber(
    HttpProber http, TcpProber tcp, IcmpProber icmp, ProbeSettings settings, TimeProvider time, ILogger<ServerProber> logger, ProbeLaunch? launch = null)
{
    /// <summary>How the detail of a probe measured only under this machine's own lag starts (never a socket shortage).</summary>
    private const string NotJudged = "not judged: ";

    private readonly int _concurrency = Budget(settings, logger);
    private readonly ProbeLaunch _launch = launch ?? ProbeLaunch.Default;

    /// <param name="probed">Told each result (with the server's index) as soon as it is in, for work that need not wait for the slowest.</param>
    /// <returns>One result per server, in the order given.</returns>
    public async Task<ProbeResult[]> ProbeAllAsync(
        IReadOnlyList<ServerSettings> servers, CancellationToken cancellationToken, Action<int, ProbeResult>? probed = null)
    {
        var results = new ProbeResult[servers.Count];
        using var lag = SchedulerLag.Start();
        var underLag = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var inFlight = new SemaphoreSlim(_concurrency);
        using var fresh = new SemaphoreSlim(Math.Min(_launch.Window, _concurrency));
        var spread = settings.Timeout * _launch.SpreadShare;
        var running = new List<Task>(servers.Count);
        var clock = Stopwatch.StartNew();
        var index = 0;
        try
        {
            for (; index < servers.Count; index++)
            {
                await inFlight.WaitAsync(cancellationToken);
                var due = (spread * index / servers.Count) - clock.Elapsed;
                var holdsFreshSlot = await fresh.WaitAsync(due > TimeSpan.Zero ? due : TimeSpan.Zero, cancellationToken);
                running.Add(ProbeAndReleaseAsync(index, holdsFreshSlot));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            for (; index < servers.Count; index++)
            {
                Finish(index, Stopped());
            }
        }

        await Task.WhenAll(running);
        await ProbeAgainWithoutLagAsync(servers, underLag, results, lag, Finish, cancellationToken);
        LogLocalFailures(results);
        return results;

        async Task ProbeAndReleaseAsync(int i, bool holdsFreshSlot)
        {
            var probe = ProbeOneAsync(servers[i], lag, cancellationToken);
            if (holdsFreshSlot)
            {
                await ((Task)probe.WaitAsync(_launch.Patience)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                fresh.Release();
            }

            var (result, lagged) = await probe;
            inFlight.Release();
            if (lagged)
            {
                // Not passed on yet: probed again once the burst is over.
                results[i] = result;
                underLag.Enqueue(i);
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

    /// <returns>The result, and whether it looked slow only by the scheduler lag this process suffered meanwhile.</returns>
    private async Task<(ProbeResult Result, bool Lagged)> ProbeOneAsync(ServerSettings server, SchedulerLag lag, CancellationToken cancellationToken)
    {
        try
        {
            var from = Stopwatch.GetTimestamp();
            var result = await AttemptAsync(server, cancellationToken);
            result = settings.Retries == 0 ? result : await ConfirmAsync(server, result, cancellationToken);
            return (result, SlowOnlyByLag(result, server, lag.WorstBetween(from, Stopwatch.GetTimestamp())));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (Stopped(), false);
        }
    }

    /// <summary>Slow by its threshold, but not by more than this process itself ran late meanwhile.</summary>
    private static bool SlowOnlyByLag(ProbeResult result, ServerSettings server, TimeSpan lag) =>
        result.Kind == ProbeKind.Ok && server.Thresholds.SlowAfter is { } slowAfter && result.Latency > slowAfter && result.Latency - lag <= slowAfter;

    /// <summary>
    /// The probes that looked slow only by the scheduler lag during them are probed again once the burst is over,
    /// with a new measure of the lag. One that is again slow only by the lag was never measured fairly: it is
    /// <see cref="ProbeKind.NotProbed"/>, saying why, and its status stays as it is — never a false Performance Issues.
    /// </summary>
    private async Task ProbeAgainWithoutLagAsync(
        IReadOnlyList<ServerSettings> servers, IReadOnlyCollection<int> underLag, ProbeResult[] results, SchedulerLag firstLag,
        Action<int, ProbeResult> finish, CancellationToken cancellationToken)
    {
        if (underLag.Count == 0)
        {
            return;
        }

        logger.LogInformation(
            "{Count} probes looked slow only by this machine's own scheduler lag (up to {Lag:0} ms): probed again once the burst is over",
            underLag.Count, firstLag.WorstBetween(0, Stopwatch.GetTimestamp()).TotalMilliseconds);
        using var lag = SchedulerLag.Start();
        using var inFlight = new SemaphoreSlim(_concurrency);
        await Task.WhenAll(underLag.Select(async i =>
        {
            var before = results[i];
            try
            {
                await inFlight.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                finish(i, Stopped());
                return;
            }

            try
            {
                var (again, lagged) = await ProbeOneAsync(servers[i], lag, cancellationToken);
                finish(i, lagged
                    ? ProbeResult.Failed(ProbeKind.NotProbed, again.Latency,
                        $"{NotJudged}slow only while this machine itself ran late ({before.Latency.TotalMilliseconds:0} ms, then {again.Latency.TotalMilliseconds:0} ms, under scheduler lag)")
                    : again with { Detail = $"{again.Detail} (probed again: the first answer, {before.Latency.TotalMilliseconds:0} ms, came under this machine's own scheduler lag)" });
            }
            finally
            {
                inFlight.Release();
            }
        }));
    }

    private async Task<ProbeResult> AttemptAsync(ServerSettings server, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return server.IsTcp ? await tcp.ProbeAsync(server.Url, cancellationToken)
            : server.IsIcmp ? await icmp.ProbeAsync(server.Url, cancellationToken)
            : await http.ProbeAsync(server.Url, server.VerifyTls ?? settings.VerifyTls, server.Probe ?? settings.Request, cancellationToken);
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

    private void LogLocalFailures(ProbeResult[] results)
    {
        // ICMP that may not be sent, and probes measured only under lag, have messages of their own.
        var local = results.Count(result => result.Kind == ProbeKind.NotProbed && result.Detail != IcmpProber.NotPermitted && !result.Detail.StartsWith(NotJudged, StringComparison.Ordinal));
        if (local > 0)
        {
            logger.LogWarning(
                "{Count} probes could not be made: this machine ran out of sockets or open files (limit {Limit} in flight). Their statuses are left as they are",
                local, _concurrency);
        }
    }

    private static int Budget(ProbeSettings settings, ILogger logger)
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
